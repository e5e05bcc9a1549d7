import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_headteacher_signs_in_with_totp_and_sees_only_own_school(live_app, new_page):
    page = new_page()
    sign_in(page, live_app, "head-oak")
    assert page.get_by_role("cell", name="Oakfield Primary School").first.is_visible()
    assert page.get_by_text("Riverside Academy").count() == 0
    # The demo's compliance is green: the legacy car-park camera records under its retrospective DPIA (7.3),
    # and the trust's lawful footing shows its appropriate policy document in date.
    assert page.get_by_text("No exceptions.").first.is_visible()
    footing = page.locator("#lawful-footing").inner_text()
    assert "In place: approved" in footing


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
