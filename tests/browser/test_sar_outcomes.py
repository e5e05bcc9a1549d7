"""Issue 13 §2 in a real browser, as a school office works a subject access request (10.2–10.4, 11.6): the
handler logs the request with its first window and is offered another at once; the reviewer watches every
second of the footage in the player and then records, in their own name, that only the requester appears in
the first scene; the handler gives that scene as a still and the rest as a copy in which a passer-by
consented; the Headteacher releases the copy unredacted with a fresh code, then authorises both packages
of the response together — one password for the requester — the worker builds them, and the response
leaves as one file. Three seconds of footage (tests/redaction/review/seed_faces)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.navigation import follow
from tests.browser.test_redaction import seed as seed_faces
from tests.browser.test_redaction import worker  # noqa: F401 (the fixture: a real `watchkeeper worker`)
from tests.browser.test_viewing import uk

pytestmark = pytest.mark.browser

S = timedelta(seconds=1)


@pytest.mark.clause("10.2", "10.3", "10.4.2", "10.4.3", "11.6")
def test_attestation_still_unredacted_release_and_one_password(live_app, new_page, worker):  # noqa: F811
    footage = seed_faces(live_app)  # three 1-second segments of the main gate
    first, last = datetime.fromisoformat(footage["start"]), datetime.fromisoformat(footage["end"])
    scene_end = first + 2 * S  # the first scene: the window's first second and segment 0

    # Intake (10.1, 10.2): the first window on the form, and straight on to another if there is one.
    sar = new_page()
    sign_in(sar, live_app, "sar-oak")
    sar.goto(live_app.url + "sar/new/")
    sar.get_by_label("Requester's name").fill("Casey Requester")
    sar.get_by_label("Contact for the reply").fill("casey@example.invalid")
    sar.get_by_label("Identity", exact=True).select_option(label="Verified (documents or other evidence)")
    sar.get_by_label("How identity was established").fill("Passport seen at reception")
    sar.get_by_label("Identity confirmed on").fill(f"{datetime.now():%Y-%m-%d}")
    sar.get_by_label("Description of the person").fill("Adult in a yellow scarf at the gate")
    sar.get_by_label("Main gate — Oakfield Primary School").check()
    sar.get_by_label("From").fill(uk(first))
    sar.get_by_label("Until").fill(uk(last))
    sar.get_by_role("button", name="Log and add another window").click()
    expect(sar.get_by_text("Add the next window below")).to_be_visible()
    assert sar.url.endswith("#action-window")
    expect(sar.locator("#action-window").get_by_role("button", name="Add another window")).to_be_visible()
    match = re.search(r"/sar/(\d+)/", sar.url)
    assert match
    case_url, reference = sar.url.split("#")[0], f"SAR-{match.group(1)}"

    # The review (10.2), approved by the Headteacher with a fresh code.
    reviewer = new_page()
    sign_in(reviewer, live_app, "reviewer-oak")
    follow(reviewer, "SAR reviews")
    reviewer.get_by_role("button", name=f"Ask to review {reference}").click()
    review_url = reviewer.url
    head = new_page()
    sign_in(head, live_app, "head-oak")
    head.goto(review_url)
    head.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_text("Approved until")).to_be_visible()

    # The reviewer's word (10.3): refused before watching, recorded once every segment has been played.
    def attest() -> None:
        follow(reviewer, "SAR reviews")
        form = reviewer.locator(f"#attest-{match.group(1)}")
        form.get_by_label("Camera watched").select_option(label="Main gate")
        form.get_by_label("Watched from").fill(uk(first))
        form.get_by_label("Watched until").fill(uk(scene_end))
        form.get_by_role("button", name="I watched it: only the requester appears").click()

    attest()
    expect(reviewer.get_by_text("watch all of it first")).to_be_visible()
    reviewer.goto(review_url)
    reviewer.get_by_role("link", name="Play footage").click()
    reviewer.get_by_role("button", name="Play").click()
    reviewer.wait_for_function(
        f"() => document.querySelector('video').dataset.segment === '{footage['segments'][-1]}'",
        timeout=20_000,
    )
    attest()
    expect(reviewer.get_by_text("watch all of it first")).to_have_count(0)
    sar.goto(case_url)
    expect(sar.locator("#attestations")).to_contain_text("Main gate")
    expect(sar.locator("#attestations")).to_contain_text("watched by")

    # The handler: the first scene as a still (it rests on the reviewer's word), the rest as a copy.
    clip = sar.locator("#action-clip")
    clip.get_by_label("Camera", exact=True).select_option(label="Main gate")
    clip.get_by_label("Clip from").fill(uk(first))
    clip.get_by_label("Clip until").fill(uk(scene_end))
    clip.get_by_label("Only the requester appears (10.3)").check()
    clip.get_by_label("Provide").select_option(value="still")
    clip.get_by_label("Moment of the still").fill(uk(first + S + S / 2))
    clip.get_by_role("button", name="Record a clip").click()
    expect(sar.locator("#clips")).to_contain_text("A still image")
    clip = sar.locator("#action-clip")
    clip.get_by_label("Camera", exact=True).select_option(label="Main gate")
    clip.get_by_label("Clip from").fill(uk(scene_end))
    clip.get_by_label("Clip until").fill(uk(last))
    clip.get_by_label("Provide").select_option(label="A copy of the footage")
    clip.get_by_role("button", name="Record a clip").click()
    other = sar.locator("#action-other")
    other.get_by_label("Other person", exact=True).fill("Adult walking a dog past the gate")
    other.get_by_label("Dealt with by").select_option(label="Consented to disclosure (10.4.2)")
    other.get_by_label("Consent given by", exact=True).fill("Drew Dogwalker")
    other.get_by_label("Consent given on").fill(f"{datetime.now():%Y-%m-%d}")
    other.get_by_label("How consent was given").fill("Signed form, kept in the SAR file")
    other.get_by_role("button", name="Record another person").click()
    expect(sar.locator("#clips")).to_contain_text("Consented to disclosure (10.4.2)")

    # The Headteacher releases the copy unredacted (10.4.2) with a fresh code.
    head.goto(case_url)
    release = head.locator("#action-release")
    release.get_by_label("Clip released unredacted").select_option(index=1)
    release.get_by_label("Why releasing it unredacted is right").fill("The only other person consented")
    release.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    release.get_by_role("button", name="Release unredacted").click()
    expect(head.locator("#clips .release")).to_contain_text("Unredacted: released by")

    # Both packages asked for; the Headteacher authorises them together: one password (11.6).
    sar.goto(case_url)
    sar.locator("#action-package").get_by_role("button", name="Request the sealed package").click()
    expect(sar.locator("#package div")).to_have_count(2)
    head.goto(case_url)
    authorise = head.locator("#action-authorise")
    authorise.get_by_label("Authenticator code").fill(live_app.users["head-oak"].code())
    authorise.get_by_role("button", name="Authorise the packages together").click()
    expect(head.get_by_role("heading", name=f"Authorised: the packages of {reference}")).to_be_visible()
    expect(head.locator("code.package-password")).to_have_count(1)
    expect(head.locator("#authorised-requests li")).to_have_count(2)
    expect(head.get_by_text("separately from the files")).to_be_visible()
    head.goto(case_url)
    expect(head.locator("#package")).not_to_contain_text("Awaiting authorisation")
    for row in range(2):
        head.goto(case_url)
        head.locator("#package a").nth(row).click()
        expect(head.locator("#request-status")).to_have_text("Package ready", timeout=180_000)

    # One hand-over (10.3, 11.6): both packages in one file, each still sealed under the one password.
    head.goto(case_url)
    href = head.locator("#response-file").get_attribute("href") or ""
    got = head.request.get(live_app.url + href.lstrip("/"))
    assert got.status == 200
    with zipfile.ZipFile(io.BytesIO(got.body())) as bundle:
        names = bundle.namelist()
    assert names[0] == "README.txt" and len(names) == 3 and all(n.endswith(".zip") for n in names[1:])
