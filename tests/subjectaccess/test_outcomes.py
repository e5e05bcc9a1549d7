"""Subject access outcomes (issue 13 §2; 10.2, 10.3, 10.4.2, 10.4.3): the reviewer's word that only the
requester appears, the still sent as a sealed package, the unredacted copy released by the Headteacher (and
the DPO where a child appears) whose decisions never travel in the package, and several windows a case.
Real footage, real codes, the real build."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in
from tests.evidence.downloads import build, members, plaintext_zip
from tests.factories import CameraFactory, passkey, person
from tests.recording.helpers import store
from tests.subjectaccess.conftest import log
from tests.viewing.conftest import RECORDED, code_for, data_dir, fast_passwords, pieces, wrong_code_for
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services as evidence
from watchkeeper.people import nominations, passkeys
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold
from watchkeeper.subjectaccess import services
from watchkeeper.subjectaccess.models import OtherPersonBasis, Provision
from watchkeeper.viewing import services as viewing

__all__ = ["data_dir", "fast_passwords", "pieces"]

pytestmark = pytest.mark.django_db

S = timedelta(seconds=1)
# Six 2-second segments of the gate from RECORDED; the clip is segments 1 and 2.
CLIP_START, CLIP_END = RECORDED + 2 * S, RECORDED + 6 * S
CONSENTER = "Sam Neighbour-Consentwell"
PARA_16 = {
    "information_type": "Images of Alex Thirdparty-Weighed walking past the gate",
    "duty_of_confidence": "None owed on a public path",
    "consent_steps": "Asked by letter; no answer",
    "capacity": "An adult, presumed capable",
    "refusal": "No refusal known",
}


@pytest.fixture
def ctx(school, pieces) -> dict[str, Any]:
    gate = CameraFactory(school=school, name="Main gate")
    segments = store_footage(gate, RECORDED, pieces)
    handler = person(Role.SAR_HANDLER, school)
    reviewer = person(Role.FOOTAGE_REVIEWER, school, first_name="Rita", last_name="Reviewer")
    head = person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")
    deputy = person(Role.DESIGNATED_PERSON, school)
    case = log(handler, school, [gate], window_start=RECORDED, window_end=RECORDED + 12 * S)
    services.request_review(reviewer, case, now=timezone.now())
    case.refresh_from_db()
    viewing.decide(head, case.review, approve=True, code=code_for(head), now=timezone.now())
    case.refresh_from_db()
    return {
        "school": school,
        "gate": gate,
        "segments": segments,
        "handler": handler,
        "reviewer": reviewer,
        "head": head,
        "deputy": deputy,
        "case": case,
    }


def watch(ctx: dict[str, Any], segments: list[Any]) -> None:
    """The reviewer plays the segments in the player (viewing audits each one served)."""
    for segment in segments:
        viewing.open_segment(ctx["reviewer"], ctx["case"].review, segment, timezone.now())


def attest(ctx: dict[str, Any], actor: Any = None, start: Any = CLIP_START, end: Any = CLIP_END) -> Any:
    return services.attest_only_requester(
        actor or ctx["reviewer"], ctx["case"], camera=ctx["gate"], start=start, end=end, now=timezone.now()
    )


def clip(ctx: dict[str, Any], **fields: Any) -> Any:
    terms = {"camera": ctx["gate"], "start": CLIP_START, "end": CLIP_END, "only_requester": False}
    return services.record_clip(ctx["handler"], ctx["case"], **(terms | fields), now=timezone.now())


def package_of(ctx: dict[str, Any], req: Any, tmp_path: Any) -> dict[str, bytes]:
    """The request authorised by the designated person (code) and built; the package's files."""
    decided = evidence.decide_download(
        ctx["deputy"], req, approve=True, otp_code=code_for(ctx["deputy"]), now=timezone.now()
    )
    assert decided.password
    download = build(decided.request, decided.password)
    return members(plaintext_zip(download, tmp_path, ctx["head"]), decided.password)


# --- "Only the requester appears": the reviewer's word (10.3) -----------------------------------------------


@pytest.mark.clause("10.3")
def test_only_the_reviewer_who_watched_every_segment_can_attest(ctx):
    with pytest.raises(PolicyRefusal, match="2 of the 2 recording files"):
        attest(ctx)
    watch(ctx, ctx["segments"][1:2])
    with pytest.raises(PolicyRefusal, match="1 of the 2 recording files"):
        attest(ctx)
    watch(ctx, ctx["segments"][2:3])
    other_reviewer = person(Role.FOOTAGE_REVIEWER, ctx["school"])
    with pytest.raises(PolicyRefusal, match="only the reviewer who watched this footage"):
        attest(ctx, other_reviewer)
    with pytest.raises(PermissionDenied):
        attest(ctx, ctx["handler"])  # the handler did not watch it: not a reviewer (10.2)
    attestation = attest(ctx)
    assert (attestation.attested_by, attestation.authorisation) == (ctx["reviewer"], ctx["case"].review)
    event = AuditEvent.objects.get(action="subjectaccess.only_requester_attested")
    assert event.actor == ctx["reviewer"] and event.details["camera"] == ctx["gate"].pk


@pytest.mark.clause("10.3")
def test_a_viewing_in_school_or_a_still_is_refused_without_the_reviewers_word(ctx):
    later = timezone.now() + timedelta(days=2)
    for fields in (
        {"provision": Provision.VIEWING, "appointment_at": later},
        {"provision": Provision.STILL, "still_at": CLIP_START + S},
    ):
        with pytest.raises(PolicyRefusal, match="needs the word of the reviewer who watched"):
            clip(ctx, only_requester=True, **fields)
    watch(ctx, ctx["segments"][1:3])
    attest(ctx)
    with pytest.raises(PolicyRefusal, match="needs the word"):  # the word covers its window only
        clip(ctx, only_requester=True, provision=Provision.VIEWING, appointment_at=later, end=CLIP_END + S)
    viewing_clip = clip(ctx, only_requester=True, provision=Provision.VIEWING, appointment_at=later)
    assert viewing_clip.attestation is not None


# --- The still (10.3) -----------------------------------------------------------------------------------


@pytest.mark.clause("10.3", "9.5")
def test_the_still_outcome_sends_a_sealed_still_of_the_clip(ctx, tmp_path):
    watch(ctx, ctx["segments"][1:3])
    attest(ctx)
    with pytest.raises(PolicyRefusal, match="give the moment of the still"):
        clip(ctx, only_requester=True, provision=Provision.STILL, still_at=CLIP_END + S)
    with pytest.raises(PolicyRefusal, match="a still is given only where the requester alone appears"):
        clip(ctx, provision=Provision.STILL, still_at=CLIP_START + S)
    # Half a second into segment 1 of the clip: the request's window is that segment, as the player's.
    moment = CLIP_START + S / 2
    still = clip(ctx, only_requester=True, provision=Provision.STILL, still_at=moment)
    [req] = services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    still.refresh_from_db()
    assert still.download_request == req and req.still_at == moment
    assert (req.start, req.end) == (ctx["segments"][1].start, ctx["segments"][1].end)
    assert list(req.cameras.all()) == [ctx["gate"]] and req.case_reference == ctx["case"].reference
    files = package_of(ctx, req, tmp_path)
    pngs = [name for name in files if name.startswith("still/")]
    assert len(pngs) == 1 and files[pngs[0]].startswith(b"\x89PNG")
    assert not any(name.startswith(("master/", "working-copy")) for name in files)  # the still alone
    manifest = json.loads(files["manifest.json"])
    assert manifest["still"]["camera_name"] == "Main gate"


# --- An unredacted copy (10.4.2, 10.4.3) --------------------------------------------------------------------


def other(ctx: dict[str, Any], crowded: Any, **fields: Any) -> Any:
    return services.record_other_person(ctx["handler"], crowded, now=timezone.now(), **fields)


def consented(ctx: dict[str, Any], crowded: Any, **fields: Any) -> Any:
    terms = {
        "description": "Adult in a grey coat",
        "basis": OtherPersonBasis.CONSENT,
        "consent_by": CONSENTER,
        "consent_on": timezone.localdate(),
        "consent_how": "Signed form, kept in the SAR file",
    }
    return other(ctx, crowded, **(terms | fields))


@pytest.mark.clause("10.4.2")
def test_a_childs_consent_needs_capacity_or_a_parent_and_a_refusal_is_not_consent(ctx):
    crowded = clip(ctx, provision=Provision.COPY)
    with pytest.raises(PolicyRefusal, match="a child's own consent needs their capacity"):
        consented(ctx, crowded, description="Pupil in a red jumper", is_child=True)
    with pytest.raises(PolicyRefusal, match="expressly refused consent"):
        consented(ctx, crowded, refused_consent=True)
    own = consented(ctx, crowded, is_child=True, consent_capacity="Year 11, understood what the copy shows")
    by_parent = consented(ctx, crowded, is_child=True, consent_by_parent=True)
    assert own.consent_capacity and by_parent.consent_by_parent


@pytest.mark.clause("10.4.2", "10.4.3")
def test_a_release_needs_everyone_covered_and_no_express_refusal(ctx):
    crowded = clip(ctx, provision=Provision.COPY)
    consented(ctx, crowded)
    refuser = other(
        ctx,
        crowded,
        description="Adult with a dog",
        basis=OtherPersonBasis.REASONABLE,
        factors=PARA_16,
        refused_consent=True,
    )
    with pytest.raises(PolicyRefusal, match="Adult with a dog expressly refused consent"):
        services.release_unredacted(
            ctx["head"], crowded, code=code_for(ctx["head"], 1), reason="Everyone covered", now=timezone.now()
        )
    assert refuser.refused_consent
    with pytest.raises(PolicyRefusal, match="the Headteacher decides whether it may leave unredacted"):
        services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    with pytest.raises(PolicyRefusal, match="nobody in it is obscured"):  # nor answered without a copy
        services.respond(ctx["handler"], ctx["case"], today=timezone.localdate())


@pytest.mark.clause("10.4.2", "10.4.3", "9.5")
def test_only_the_headteacher_with_a_fresh_code_releases(ctx):
    crowded = clip(ctx, provision=Provision.COPY)
    consented(ctx, crowded)
    with pytest.raises(PermissionDenied):
        services.release_unredacted(
            ctx["handler"], crowded, code=code_for(ctx["handler"]), reason="Consented", now=timezone.now()
        )
    with pytest.raises(PolicyRefusal, match="authenticator code"):
        services.release_unredacted(
            ctx["head"], crowded, code=wrong_code_for(ctx["head"]), reason="Consented", now=timezone.now()
        )
    assert AuditEvent.objects.filter(action="subjectaccess.release_code_refused").exists()
    # django-otp slows the next try after a wrong code; the Headteacher waits it out.
    TOTPDevice.objects.filter(user=ctx["head"]).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    release = services.release_unredacted(
        ctx["head"], crowded, code=code_for(ctx["head"], 1), reason="Consented", now=timezone.now()
    )
    assert release.decided_by == ctx["head"] and release.complete and not release.needs_dpo
    assert (release.authority, release.nomination) == ("headteacher", None)


@pytest.mark.clause("10.4.3", "9.2", "Appendix I")
def test_who_releases_is_settled_as_for_downloads_nominations_and_recusal(ctx):
    """people/deciders.py: a designated person releases only under a nomination for downloads (recorded on
    the release); a Headteacher who recused from the case is refused and the alternate decides."""
    crowded = clip(ctx, provision=Provision.COPY)
    consented(ctx, crowded)
    unnominated = person(Role.DESIGNATED_PERSON, ctx["school"], nominated=False)
    with pytest.raises(PolicyRefusal, match="no nomination for it in force"):
        services.release_unredacted(
            unnominated, crowded, code=code_for(unnominated), reason="Consented", now=timezone.now()
        )
    nominations.recuse(
        ctx["head"], ctx["case"], ctx["head"], "The requester's complaint is about me", now=timezone.now()
    )
    with pytest.raises(PolicyRefusal, match="you recused yourself"):
        services.release_unredacted(
            ctx["head"], crowded, code=code_for(ctx["head"], 1), reason="Consented", now=timezone.now()
        )
    release = services.release_unredacted(
        ctx["deputy"], crowded, code=code_for(ctx["deputy"]), reason="Consented", now=timezone.now()
    )
    assert release.authority == "nominated alternate" and release.nomination is not None
    assert release.nomination.nominee == ctx["deputy"]
    event = AuditEvent.objects.get(action="subjectaccess.unredacted_release_decided")
    assert event.details["nomination"] == release.nomination.pk


@pytest.mark.clause("10.4.2", "10.4.3", "R23")
def test_where_a_child_appears_the_dpo_signs_off_and_the_decisions_never_leave_in_the_package(ctx, tmp_path):
    crowded = clip(ctx, provision=Provision.COPY)
    consented(ctx, crowded)
    other(
        ctx,
        crowded,
        description="Pupil in a blue coat",
        basis=OtherPersonBasis.REASONABLE,
        factors=PARA_16,
        is_child=True,
    )
    release = services.release_unredacted(
        ctx["head"],
        crowded,
        code=code_for(ctx["head"], 1),
        reason="Everyone consented or a para 16 decision",
        now=timezone.now(),
    )
    assert release.needs_dpo and not release.complete
    with pytest.raises(PolicyRefusal, match="the DPO signs the unredacted release off first"):
        services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.sign_off_release(
            ctx["head"], release, code=code_for(ctx["head"]), note="Fine", now=timezone.now()
        )
    dpo = person(Role.DPO, None)
    services.sign_off_release(
        dpo, release, code=code_for(dpo), note="The pupil's parent was consulted", now=timezone.now()
    )
    [req] = services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    assert req.unredacted_release and req.redaction is None and not req.only_requester_appears
    files = package_of(ctx, req, tmp_path)
    assert any(name.startswith("master/") for name in files)  # unredacted: the master itself
    everything = b"".join(files.values())
    assert services.respond(ctx["handler"], ctx["case"], today=timezone.localdate()).responded_on
    for third_party in (
        CONSENTER,
        "Alex Thirdparty-Weighed",
        "Signed form",
        "parent was consulted",
        "grey coat",
    ):
        assert third_party.encode() not in everything, third_party


# --- Several windows (10.2) ---------------------------------------------------------------------------------


@pytest.mark.clause("10.2", "R22")
def test_a_case_covers_several_windows_each_held_and_reviewed(ctx):
    case, second = ctx["case"], (RECORDED + 30 * S, RECORDED + 40 * S)
    with pytest.raises(PolicyRefusal, match="overlaps one the case covers already"):
        services.add_window(
            ctx["handler"],
            case,
            start=RECORDED,
            end=RECORDED + 20 * S,
            reason="Also later",
            now=timezone.now(),
        )
    window = services.add_window(
        ctx["handler"],
        case,
        start=second[0],
        end=second[1],
        reason="The requester came back",
        now=timezone.now(),
    )
    assert window.hold is not None and (window.hold.start, window.hold.end) == second
    assert not services.review_approved(case) and services.needs_review(case)
    store(ctx["gate"], second[0], 2)  # footage in the second window, or its review is refused (issue 15 §2)
    services.request_review(ctx["reviewer"], case, now=timezone.now())
    window.refresh_from_db()
    assert (window.review.start, window.review.end) == second  # not the footage between the windows
    viewing.decide(
        ctx["head"], window.review, approve=True, code=code_for(ctx["head"], 1), now=timezone.now()
    )
    case.refresh_from_db()
    assert services.review_approved(case)
    with pytest.raises(PolicyRefusal, match="inside one of the case's windows"):
        clip(ctx, start=RECORDED + 20 * S, end=RECORDED + 22 * S, provision=Provision.NOT_FOUND)
    later = clip(ctx, start=second[0], end=second[0] + 2 * S, provision=Provision.NOT_FOUND)
    assert later.pk
    services.close(ctx["handler"], case, note="Answered", now=timezone.now())
    assert Hold.objects.filter(pk__in=[case.hold_id, window.hold_id], released_at__isnull=False).count() == 2


# --- One response, one password (9.5, 11.6) -----------------------------------------------------------------


@pytest.mark.clause("9.5", "11.6", "Appendix I")
def test_the_packages_of_one_response_are_authorised_together_under_one_password(ctx, tmp_path):
    """Two stills (one a segment) of one case: authorised at once with one code, both packages open with
    the same password, and each is its own row of the CCTV log."""
    watch(ctx, ctx["segments"][1:3])
    attest(ctx)
    first = clip(
        ctx,
        only_requester=True,
        provision=Provision.STILL,
        still_at=CLIP_START + S / 2,
        end=CLIP_START + 2 * S,
    )
    second = clip(
        ctx,
        only_requester=True,
        provision=Provision.STILL,
        still_at=CLIP_START + 5 * S / 2,
        start=CLIP_START + 2 * S,
    )
    asked = services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    assert len(asked) == 2 and services.awaiting_authorisation(ctx["case"]) == asked
    page = sign_in(Client(), ctx["head"]).get(reverse("evidence:request_detail", args=[asked[0].pk]))
    assert f"1 other package of {ctx['case'].reference} awaits authorisation" in page.content.decode()
    deputy = person(Role.DESIGNATED_PERSON, ctx["school"], nominated=False)
    with pytest.raises(PolicyRefusal, match="no nomination for it in force"):  # who decides: as any download
        services.authorise_response(deputy, ctx["case"], code=code_for(deputy), now=timezone.now())
    decided = services.authorise_response(
        ctx["head"], ctx["case"], code=code_for(ctx["head"], 1), now=timezone.now()
    )
    [password] = {d.password for d in decided}
    assert password and services.awaiting_authorisation(ctx["case"]) == []
    with pytest.raises(PolicyRefusal, match="every package must be built first"):
        services.response_file(ctx["handler"], ctx["case"], now=timezone.now())
    downloads = [build(d.request, password) for d in decided]
    for download in downloads:
        files = members(plaintext_zip(download, tmp_path, ctx["head"]), password)
        assert any(name.startswith("still/") for name in files)
    assert len({d.pk for d in downloads}) == 2  # one CCTV log row a package (Appendix I)
    # One hand-over: both packages in one file, each fetched (and audited) on its own log row.
    handler = sign_in(Client(), ctx["handler"])
    case_page = handler.get(reverse("subjectaccess:case_detail", args=[ctx["case"].pk])).content.decode()
    assert "every package in one file" in case_page
    got = handler.get(reverse("subjectaccess:response_file", args=[ctx["case"].pk]))
    assert got["Content-Disposition"] == f'attachment; filename="{ctx["case"].reference}-response.zip"'
    outer = tmp_path / "response.zip"
    outer.write_bytes(b"".join(got.streaming_content))
    with zipfile.ZipFile(outer) as bundle:
        names = bundle.namelist()
        assert names[0] == "README.txt" and len(names) == 3
        for name in names[1:]:
            inner = tmp_path / f"inner-{name}"
            inner.write_bytes(bundle.read(name))
            assert any(n.startswith("still/") for n in members(inner, password))
    fetched = AuditEvent.objects.filter(action="evidence.copy_fetched", actor=ctx["handler"])
    assert fetched.count() == 2
    events = AuditEvent.objects.filter(action="evidence.download_approved")
    assert events.count() == 2 and all(
        e.details["together_with"] == sorted(r.pk for r in asked) for e in events
    )
    assert {first.pk, second.pk} == {c.pk for c in ctx["case"].clips.exclude(download_request=None)}


@pytest.mark.clause("9.2", "9.5", "11.6")
def test_the_case_page_offers_a_passkey_and_a_passkey_code_authorises_the_response(ctx):
    """Issue 14 §3: one passkey check on the case page stands for the fresh code of its decisions."""
    watch(ctx, ctx["segments"][1:3])
    attest(ctx)
    clip(ctx, only_requester=True, provision=Provision.STILL, still_at=CLIP_START + S / 2)
    services.request_package(ctx["handler"], ctx["case"], now=timezone.now())
    credential = passkey(ctx["head"])
    client = sign_in(Client(), ctx["head"])
    page = client.get(reverse("subjectaccess:case_detail", args=[ctx["case"].pk])).content.decode()
    assert 'id="passkey-decision"' in page and 'name="authorise-code"' in page
    code = passkeys.issue_decision_code(ctx["head"], credential, now=timezone.now())
    client.post(
        reverse("subjectaccess:case_action", args=[ctx["case"].pk, "authorise"]), {"authorise-code": code}
    )
    assert services.awaiting_authorisation(ctx["case"]) == []
