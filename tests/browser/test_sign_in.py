import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_headteacher_signs_in_with_totp_and_sees_only_own_school(live_app, new_page):
    page = new_page()
    sign_in(page, live_app, "head-oak")
    assert page.get_by_role("cell", name="Oakfield Primary School").first.is_visible()
    assert page.get_by_text("Riverside Academy").count() == 0
    # The legacy car-park camera has no retrospective DPIA: it is on the exceptions list (7.3).
    # Plain words first, the clause after.
    exception = page.get_by_role("listitem").filter(
        has_text="Legacy camera without an approved retrospective DPIA"
    )
    assert exception.inner_text() == "Legacy camera without an approved retrospective DPIA. (policy 7.3)"


def test_wrong_authenticator_code_is_refused(live_app, new_page):
    page = new_page()
    user = live_app.users["dpo"]
    page.goto(live_app.url + "login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_label("Authenticator code").fill("000000" if user.code() != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert").inner_text()  # one alert: the message is not repeated below it
    assert alert == "Not signed in:\nThat user name, password or authenticator code is not right."
    assert "/login/" in page.url
