"""Every redaction page through the generic permission case (anonymous / other school / wrong role /
permitted), then what the pages do: the review page shows the tracks and plays the source through viewing's
own segment URLs, decisions post and redirect, the video and thumbnails are private and no-store, and an
expired authorisation stops everything (9.2)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.redaction.review.conftest import RECORDED, S, committed
from tests.refusals import refusal_text, shows_refusal
from tests.viewing.conftest import approved
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people.models import Role
from watchkeeper.redaction import services
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.viewing.models import ViewingAuthorisation

pytestmark = pytest.mark.django_db

REVIEWER, HEAD, LIVE, ADMIN = Role.FOOTAGE_REVIEWER, Role.HEADTEACHER, Role.LIVE_VIEWER, Role.CCTV_ADMIN
FACE = {"id": 1, "kind": "face", "boxes": [[f, 100.0, 80.0, 40.0, 48.0, 0.9] for f in range(75)]}


def make_redaction(ctx: dict[str, Any], render: bool = False, approve: bool = False) -> None:
    """A redaction ready for review, made directly (the jobs are tested in test_services.py) over real
    stored footage, with one proposed face track; optionally rendered (the real render job) and approved."""
    ctx["gate"] = CameraFactory(school=ctx["school"], name="Main gate")
    CameraFactory(school=ctx["other_school"], name="Their gate")
    ctx["segments"] = store_footage(ctx["gate"], RECORDED, ctx["pieces"])
    ctx["requester"] = person(REVIEWER, ctx["school"])
    ctx["auth"] = approved(ctx["requester"], [ctx["gate"]], RECORDED - S, RECORDED + 4 * S)
    ctx["redaction"] = Redaction.objects.create(
        school=ctx["school"],
        status=Status.REVIEW,
        authorisation=ctx["auth"],
        camera=ctx["gate"],
        start=RECORDED - S,
        end=RECORDED + 4 * S,
        created_by=ctx["requester"],
        segments=[
            {
                "id": str(s.pk),
                "sha256": s.sha256,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "first_frame": 25 * i,
                "frames": 25,
            }  # fmt: skip
            for i, s in enumerate(ctx["segments"])
        ],
        proposal={"width": 640, "height": 360, "fps": 25.0, "frames": 75, "tracks": [FACE]},
    )
    if render or approve:
        with committed():
            services.request_preview(ctx["requester"], ctx["redaction"], now=timezone.now())
        ctx["redaction"].refresh_from_db()
    if approve:
        services.approve(ctx["requester"], ctx["redaction"], now=timezone.now())


def rendered(ctx: dict[str, Any]) -> None:
    make_redaction(ctx, render=True)


def approved_redaction(ctx: dict[str, Any]) -> None:
    make_redaction(ctx, approve=True)


def mine(ctx: dict[str, Any]) -> Redaction:
    """run_view_case makes the permitted person just before its last request: they become the reviewer
    (and the requester of the authorisation) then, so every refusal before was of someone else."""
    redaction = ctx["redaction"]
    if "user" in ctx and redaction.created_by_id != ctx["user"].pk:
        Redaction.objects.filter(pk=redaction.pk).update(created_by=ctx["user"])
        ViewingAuthorisation.objects.filter(pk=ctx["auth"].pk).update(requested_by=ctx["user"])
    return redaction


def of(name: str, *extra: Any) -> Any:
    return lambda ctx: reverse(f"redaction:{name}", args=[mine(ctx).pk, *extra])


def start_url(ctx: dict[str, Any]) -> str:
    mine(ctx)
    return reverse("redaction:start", args=[ctx["auth"].pk])


def start_data(ctx: dict[str, Any]) -> dict[str, Any]:
    local = lambda m: timezone.localtime(m).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731
    return {"camera": ctx["gate"].pk, "start": local(RECORDED - S), "end": local(RECORDED + 4 * S)}


def shows(*texts: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        body = response.content.decode()
        for text in texts:
            assert text in body, text

    return check


def status_is(status: str) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        ctx["redaction"].refresh_from_db()
        assert ctx["redaction"].status == status

    return check


def started(ctx: dict[str, Any], response: Any) -> None:
    """The proposal job is queued with the start; it runs when the request commits (tested below)."""
    new = Redaction.objects.exclude(pk=ctx["redaction"].pk).get()
    assert response["Location"] == reverse("redaction:review", args=[new.pk])
    assert new.created_by == ctx["user"] and new.status == Status.PROPOSING and new.job_task_id


def kept(ctx: dict[str, Any], response: Any) -> None:
    ctx["redaction"].refresh_from_db()
    assert ctx["redaction"].keep == [1]


def moded(ctx: dict[str, Any], response: Any) -> None:
    ctx["redaction"].refresh_from_db()
    assert ctx["redaction"].mode == "fill"


def drew(ctx: dict[str, Any], response: Any) -> None:
    ctx["redaction"].refresh_from_db()
    assert ctx["redaction"].manual[0]["boxes"] == [{"frame": 30, "x": 10.0, "y": 20.0, "w": 50.0, "h": 60.0}]
    assert response["Location"].endswith("?at=30")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def private_video(ctx: dict[str, Any], response: Any) -> None:
    assert body(response)[4:8] == b"ftyp" and response["Cache-Control"] == "private, no-store"


def private_jpeg(ctx: dict[str, Any], response: Any) -> None:
    assert response.content[:2] == b"\xff\xd8" and response["Cache-Control"] == "private, no-store"


CASES = [
    ViewCase(
        "list",
        lambda ctx: f"{reverse('redaction:list')}?school={mine(ctx).school_id}",
        REVIEWER,
        LIVE,
        setup=make_redaction,
        check=shows("Redaction #"),
    ),  # fmt: skip
    ViewCase(
        "start-form", start_url, REVIEWER, HEAD, setup=make_redaction, check=shows("Find people to redact")
    ),
    ViewCase(
        "start-post",
        start_url,
        REVIEWER,
        HEAD,
        method="post",
        data=start_data,
        ok=(302,),
        setup=make_redaction,
        check=started,
    ),  # fmt: skip
    ViewCase(
        "review", of("review"), REVIEWER, LIVE, setup=make_redaction, check=shows("redaction-data", "#1")
    ),
    ViewCase(
        "progress", of("progress"), REVIEWER, HEAD, setup=make_redaction, check=shows('"status": "review"')
    ),
    ViewCase(
        "keep",
        of("keep"),
        REVIEWER,
        HEAD,
        method="post",
        data=lambda ctx: {"track": 1, "keep": "on"},
        ok=(302,),
        setup=make_redaction,
        check=kept,
    ),  # fmt: skip
    ViewCase(
        "mode",
        of("mode"),
        REVIEWER,
        LIVE,
        method="post",
        data=lambda ctx: {"mode": "fill"},
        ok=(302,),
        setup=make_redaction,
        check=moded,
    ),  # fmt: skip
    ViewCase(
        "manual",
        of("manual"),
        REVIEWER,
        HEAD,
        method="post",
        ok=(302,),
        setup=make_redaction,
        check=drew,
        data=lambda ctx: {"op": "add", "frame": 30, "x": 10, "y": 20, "w": 50, "h": 60},
    ),  # fmt: skip
    ViewCase(
        "preview",
        of("preview"),
        REVIEWER,
        HEAD,
        method="post",
        ok=(302,),
        setup=make_redaction,
        check=status_is(Status.RENDERING),  # the render job runs when the request commits
    ),  # fmt: skip
    ViewCase(
        "keep-group",
        of("keep_group"),
        REVIEWER,
        HEAD,
        method="post",
        data=lambda ctx: {"group": "faces", "keep": "on"},
        ok=(302,),
        setup=make_redaction,
        check=kept,
    ),  # fmt: skip
    ViewCase(
        "approve",
        of("approve"),
        REVIEWER,
        HEAD,
        method="post",
        data=lambda ctx: {"watched": "1.0"},
        ok=(302,),
        setup=rendered,
        check=status_is(Status.APPROVED),
    ),  # fmt: skip
    ViewCase(
        "discard",
        of("discard"),
        REVIEWER,
        ADMIN,
        method="post",
        ok=(302,),
        setup=make_redaction,
        check=status_is(Status.DISCARDED),
    ),  # fmt: skip
    ViewCase("output", of("output"), REVIEWER, HEAD, setup=rendered, check=private_video),
    ViewCase("thumbnail", of("thumbnail", 1), REVIEWER, LIVE, setup=make_redaction, check=private_jpeg),
    ViewCase(
        "report", of("report"), REVIEWER, HEAD, setup=approved_redaction, check=shows('"tracks_redacted"')
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    ctx = {"school": school, "other_school": other_school, "pieces": pieces}
    make_redaction(ctx)
    return ctx


def test_a_start_from_the_page_proposes_once_the_request_commits(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    with committed():
        response = client.post(reverse("redaction:start", args=[ctx["auth"].pk]), start_data(ctx))
    new = Redaction.objects.exclude(pk=ctx["redaction"].pk).get()
    assert response["Location"] == reverse("redaction:review", args=[new.pk])
    assert new.status == Status.REVIEW and new.proposal["frames"] == 75
    with committed():
        client.post(reverse("redaction:preview", args=[new.pk]))
    new.refresh_from_db()
    assert new.status == Status.REVIEW and services.preview_is_current(new)


def test_the_review_page_plays_the_source_through_viewing(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    page = client.get(reverse("redaction:review", args=[ctx["redaction"].pk])).content.decode()
    segment_url = reverse("viewing:segment", args=[ctx["auth"].pk, ctx["segments"][0].pk])
    assert segment_url in page and 'name="keep"' in page
    assert client.get(segment_url).content[4:8] == b"ftyp"


def test_an_expired_authorisation_stops_the_page_video_and_thumbnails(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    ViewingAuthorisation.objects.filter(pk=ctx["auth"].pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    pk = ctx["redaction"].pk
    page = client.get(reverse("redaction:review", args=[pk]))
    assert page.status_code == 403 and "9.2" in page.content.decode()
    assert client.get(reverse("redaction:thumbnail", args=[pk, 1])).status_code == 403
    assert client.get(reverse("redaction:output", args=[pk])).status_code == 403
    assert client.post(reverse("redaction:keep", args=[pk]), {"track": 1, "keep": "on"}).status_code == 403
    assert AuditEvent.objects.filter(action="redaction.refused").count() == 3


def test_the_preview_streams_the_byte_range_a_player_asks_for(school, other_school, pieces) -> None:
    """Issue 12 §5: a long redacted copy is streamed from the store, and a range opens only its chunks."""
    ctx = {"school": school, "other_school": other_school, "pieces": pieces}
    rendered(ctx)
    ctx["redaction"].refresh_from_db()
    client, url = sign_in(Client(), ctx["requester"]), reverse("redaction:output", args=[ctx["redaction"].pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole.streaming
    data = body(whole)
    assert hashlib.sha256(data).hexdigest() == ctx["redaction"].output_sha256
    assert whole["Content-Length"] == str(len(data))
    part = client.get(url, HTTP_RANGE="bytes=100-4099")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-4099/{len(data)}"
    assert body(part) == data[100:4100]
    assert client.get(url, HTTP_RANGE=f"bytes={len(data)}-").status_code == 416


def test_approving_without_a_current_preview_shows_the_refusal(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    review = reverse("redaction:review", args=[ctx["redaction"].pk])
    response = client.post(
        reverse("redaction:approve", args=[ctx["redaction"].pk]), HTTP_REFERER=f"http://testserver{review}"
    )
    assert response.status_code == 400
    assert shows_refusal(response, "10.4.1: preview the redaction before approving")
    assert f'href="{review}"' in response.content.decode()  # the way back to the review
    ctx["redaction"].refresh_from_db()
    assert ctx["redaction"].status == Status.REVIEW


def test_a_refused_decision_shows_the_refusal(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    response = client.post(reverse("redaction:keep", args=[ctx["redaction"].pk]), {"track": 9, "keep": "on"})
    assert response.status_code == 400 and shows_refusal(response, "10.4.1: there is no such proposed track")
    ctx["redaction"].refresh_from_db()
    assert ctx["redaction"].keep == []


def test_a_refused_start_is_shown_in_the_form_with_what_was_typed(ctx: dict[str, Any]) -> None:
    client = sign_in(Client(), ctx["requester"])
    too_long = {
        **start_data(ctx),
        "end": timezone.localtime(RECORDED + 2 * 3600 * S).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    response = client.post(reverse("redaction:start", args=[ctx["auth"].pk]), too_long)
    assert response.status_code == 400 and "(policy 9.2)" in refusal_text(response), refusal_text(response)
    assert too_long["end"][:16] in response.content.decode()  # the form keeps what was typed
    assert Redaction.objects.count() == 1


def test_a_failed_proposal_says_why(ctx: dict[str, Any]) -> None:
    Redaction.objects.filter(pk=ctx["redaction"].pk).update(
        status=Status.FAILED,
        proposal=None,
        message="13.1: segment x has been erased since the redaction began",
    )
    client = sign_in(Client(), ctx["requester"])
    page = client.get(reverse("redaction:review", args=[ctx["redaction"].pk])).content.decode()
    assert "Finding people failed:" in page and "13.1: segment x has been erased" in page
    assert "redaction-data" not in page


def test_approving_a_preview_not_watched_to_the_end_asks_for_a_confirmation(
    school, other_school, pieces
) -> None:
    """Issue 16 §1: the page sends how much of the preview was played; less than all of it is refused unless
    the reviewer ticks the confirmation, and the report and audit event say which it was."""
    ctx = {"school": school, "other_school": other_school, "pieces": pieces}
    rendered(ctx)
    client, redaction = sign_in(Client(), ctx["requester"]), ctx["redaction"]
    url = reverse("redaction:approve", args=[redaction.pk])
    response = client.post(url, {"watched": "0.4"})
    assert response.status_code == 400 and shows_refusal(
        response, "10.4.1: you have watched 40% of the preview"
    )
    # The refusal names the tick box by its own label (found on the walk).
    assert "“I approve without having watched all of it”" in response.content.decode()
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW
    assert client.post(url, {}).status_code == 400  # not measured counts as not watched
    assert client.post(url, {"watched": "0.4", "confirm_unwatched": "on"}).status_code == 302
    redaction.refresh_from_db()
    assert redaction.status == Status.APPROVED
    assert redaction.report["preview_watched"] == 0.4 and redaction.report["approved_without_watching_all"]


def test_the_review_page_groups_tracks_and_keeps_the_controls_in_view(school, other_school, pieces) -> None:
    ctx = {"school": school, "other_school": other_school, "pieces": pieces}
    rendered(ctx)
    page = sign_in(Client(), ctx["requester"]).get(reverse("redaction:review", args=[ctx["redaction"].pk]))
    text = page.content.decode()
    assert 'id="group-faces"' in text and 'data-frame="' in text  # a face group, and a jump to each track
    assert 'id="approve-bar"' in text and "You have watched 0% of the preview." in text
