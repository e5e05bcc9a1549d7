"""Issue 2's end-to-end walk in a real browser: a Headteacher signs in with TOTP, registers a camera, is
refused activation for want of a DPIA (7.1), drafts one; the DPO approves it; the camera activates."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def register_camera(page, app, name):  # type: ignore[no-untyped-def]
    page.goto(app.url + "estate/cameras/")
    page.get_by_role("link", name="Register a camera").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Location description").fill("Library, facing the issue desk")
    page.get_by_label("Location type").select_option(label="Corridor")
    page.get_by_label("4.1.1 A safe and secure environment").check()
    page.get_by_label("Main stream URL").fill("rtsp://127.0.0.1:8554/cam9")
    page.get_by_role("button", name="Register camera").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    return page.url


def test_headteacher_registers_camera_dpo_approves_dpia_camera_activates(live_app, new_page):
    head = new_page()
    sign_in(head, live_app, "head-oak")
    camera_url = register_camera(head, live_app, "Library")

    head.get_by_role("button", name="Activate").click()
    refusal = head.locator(".refusal")
    expect(refusal).to_contain_text("No approved DPIA covers Library. (policy 7.1)")
    expect(head.locator(".badge", has_text="Proposed").first).to_be_visible()

    head.goto(live_app.url + "compliance/dpias/")
    head.get_by_role("link", name="Draft a DPIA").click()
    head.get_by_label("Title").fill("Library camera DPIA")
    head.get_by_label("Library").check()
    head.get_by_label("How information will be shared").fill("Seen in school only (11.6).")
    head.get_by_role("button", name="Save draft").click()
    expect(head.get_by_text("Awaiting approval by the Data Protection Officer")).to_be_visible()
    dpia_url = head.url

    dpo = new_page()
    sign_in(dpo, live_app, "dpo")
    dpo.goto(dpia_url)
    dpo.get_by_role("button", name="Approve").click()
    expect(dpo.locator(".badge", has_text="Approved").first).to_be_visible()

    head.goto(camera_url)
    head.get_by_role("button", name="Activate").click()
    expect(head.locator(".badge", has_text=re.compile("^Active$")).first).to_be_visible()
    assert live_app.cli("audit", "verify").stdout.startswith("audit chain intact:")


def test_toilet_camera_is_refused_and_the_form_keeps_what_was_typed(live_app, new_page):
    head = new_page()
    sign_in(head, live_app, "head-river")
    head.goto(live_app.url + "estate/cameras/new/")
    head.get_by_label("Name", exact=True).fill("Boys toilets")
    head.get_by_label("Location description").fill("Boys toilets, ground floor")
    head.get_by_label("Location type").select_option(label="Toilet")
    head.get_by_label("4.1.1 A safe and secure environment").check()
    head.get_by_role("button", name="Register camera").click()
    expect(head.locator(".refusal")).to_contain_text("Cameras may not be sited in a toilet.")
    expect(head.locator(".refusal")).to_contain_text("(policy 5.4)")
    expect(head.get_by_label("Location description")).to_have_value("Boys toilets, ground floor")
