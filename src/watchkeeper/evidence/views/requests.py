"""Download requests (9.5, 10.4.1, 11.6): asked for from the player or the Downloads pages, decided by the
Headteacher or a designated person with a fresh code, withdrawn by the asker. The player's request uses the
viewing app's own lookup (the requester's own authorisation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt, form_page
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.estate.choices import school_choices
from watchkeeper.evidence import holds, services
from watchkeeper.evidence.forms import (
    CodeForm,
    DecisionForm,
    DownloadRequestForm,
    ExtendForm,
    HandOverForm,
    HoldReleaseForm,
    LostForm,
    PasswordSentForm,
    PlayerPackageForm,
    ViewedForm,
)
from watchkeeper.evidence.models import (
    CopyReport,
    Download,
    DownloadRequest,
    Kind,
    Purpose,
    RequestStatus,
)
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.people import deciders, two_person
from watchkeeper.people.reroutings import rerouted_downloads
from watchkeeper.viewing.models import ViewingAuthorisation
from watchkeeper.viewing.services import HOLD
from watchkeeper.viewing.views import own_authorisation

REQUESTS = DownloadRequest.objects.select_related(
    "school", "requested_by", "requestor_user", "decided_by", "redaction"
)
VIEW_BREACH = "breaches.view"
OVERSEE = (services.AUTHORISE, services.FETCH, services.LOG, services.EXTEND)
ASKED = "Download requested: the Headteacher or a designated person must authorise it (9.5)."


def _asked(req: DownloadRequest) -> str:
    return reverse("evidence:request_detail", args=[req.pk])


# --- who sees which request ---------------------------------------------------------------------------------


def visible_requests(user: Actor) -> QuerySet[DownloadRequest]:
    """Every request of a school where the person authorises, fetches, keeps the log or extends copies; and
    their own (as asker or staff requestor) where they may still ask."""
    mine = Q(requested_by_id=user.pk) | Q(requestor_user_id=user.pk)
    visible = restrict(REQUESTS, user, services.REQUEST).filter(mine)
    for action in OVERSEE:
        visible = visible | restrict(REQUESTS, user, action)
    return visible.distinct()


def authorisable(user: Actor) -> QuerySet[DownloadRequest]:
    """The school's authorisers', and for the DPO the requests re-routed by the two-person rule (9.5)."""
    return restrict(REQUESTS, user, services.AUTHORISE) | REQUESTS.filter(pk__in=rerouted_downloads(user))


def with_deletions(requests: QuerySet[DownloadRequest]) -> QuerySet[DownloadRequest]:
    """Each request with `copies_kept` (its stored copies not deleted) and `copies_deleted_at` (the last
    deletion), so that a request whose copies were all deleted (9.5, 13.2) reads "Copy deleted" with the
    date, not "Package ready" (evidence/_request_status.html)."""
    kept = Q(downloads__kind=Kind.PACKAGE, downloads__deleted_at=None)
    return requests.annotate(
        copies_kept=Count("downloads", filter=kept, distinct=True),
        copies_deleted_at=Max("downloads__deleted_at"),
    )


def copies_of(user: Actor) -> QuerySet[Download]:
    """The stored copies of the requests the person sees."""
    return services.LOG_ROWS.filter(kind=Kind.PACKAGE, request__in=visible_requests(user))


def _standing(user: Actor, req: DownloadRequest) -> two_person.Standing:
    """The Headteacher, a nominated alternate, or the DPO on a re-routed or escalated request (9.5,
    Appendix I; people/deciders.py)."""
    return deciders.standing(user, deciders.DOWNLOAD, req, now=timezone.now())


# --- asking -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest, pk: int) -> HttpResponse:
    """From the player: ask for a window of the viewed footage (the whole of it unless narrowed) for a
    purpose (issue 15 §4); the service refuses a window outside the viewing authorisation's (9.2). It then
    follows the one path: the Headteacher authorises, a job builds the package."""
    auth = own_authorisation(request, pk)
    initial = {"start": auth.start, "end": auth.end, "purpose": Purpose.INTERNAL, "reason": auth.reason}
    form = PlayerPackageForm(request.POST if request.method == "POST" else None, initial=initial)
    form.within(auth.start, auth.end)
    return form_page(
        request,
        form,
        lambda data: _ask_from_player(request, auth, data),
        said=ASKED,
        to=_asked,
        template="evidence/package_form.html",
        context={"auth": auth, "cameras": auth.cameras.all()},
    )


def _ask_from_player(
    request: HttpRequest, auth: ViewingAuthorisation, data: dict[str, Any]
) -> DownloadRequest:
    recipient = data["recipient_name"].strip()
    return from_player(
        request,
        auth,
        cameras=auth.cameras.all(),
        start=data["start"],
        end=data["end"],
        purpose=data["purpose"],
        reason=data["reason"],
        recipient_name=recipient,
        recipient_organisation=data["recipient_organisation"] if recipient else "",
        requestor_user=None if recipient else person_or_none(request.user),
    )


def from_player(request: HttpRequest, auth: ViewingAuthorisation, **asked: Any) -> DownloadRequest:
    """A request from the player (footage, or a still) under the authorisation viewed: by default internal
    use, the viewer as the requestor and the authorisation's reason; `asked` gives the footage and may
    change those."""
    terms: dict[str, Any] = {
        "purpose": Purpose.INTERNAL,
        "reason": auth.reason,
        "requestor_user": person_or_none(request.user),
        **asked,
    }
    return services.request_download(
        request.user,
        school=auth.school,
        reason_category=auth.reason_category,
        case_reference=f"viewing #{auth.pk}",
        viewed_under=auth,
        now=timezone.now(),
        **terms,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    choices = school_choices(request, services.REQUEST)
    form = DownloadRequestForm(request.POST if request.method == "POST" else None, cameras=choices.cameras)
    return form_page(
        request,
        form,
        lambda data: _ask(request, data),
        said=ASKED,
        to=_asked,
        template="evidence/request_form.html",
        context={"school": choices.school},
    )


def _ask(request: HttpRequest, data: dict[str, Any]) -> DownloadRequest:
    cameras = list(data["cameras"])
    external = data["requestor"] == "external"
    return services.request_download(
        request.user,
        school=cameras[0].school,
        cameras=cameras,
        start=data["start"],
        end=data["end"],
        purpose=data["purpose"],
        reason_category=data["reason_category"],
        reason=data["reason"],
        requestor_user=None if external else person_or_none(request.user),
        recipient_name=data["recipient_name"] if external else "",
        recipient_organisation=data["recipient_organisation"] if external else "",
        legal_basis=data["legal_basis"],
        case_reference=data["case_reference"],
        only_requester_appears=data["only_requester_appears"],
        now=timezone.now(),
        staff_involved=data["staff_involved"],
    )


# --- the lists and the request's page -----------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, services.REQUEST, *OVERSEE)
    school = chosen_school(request, request.GET, services.REQUEST, *OVERSEE)
    requests = with_deletions(visible_requests(request.user))
    if school is not None:
        requests = requests.filter(school=school)
    today = timezone.localdate()
    context = {
        "school": school,
        "awaiting": [_mark(request.user, r) for r in requests if r.status == RequestStatus.REQUESTED],
        "others": [r for r in requests[:200] if r.status != RequestStatus.REQUESTED],
        "can_request": holds_any(request.user, services.REQUEST),
        "can_hold": holds_any(request.user, HOLD),
        "flagged": services.flagged_copies(request.user, today, school),
        "today": today,
    }
    return render(request, "evidence/request_list.html", context)


def _mark(user: Actor, req: DownloadRequest) -> DownloadRequest:
    """9.5: a request this authoriser may not decide under the two-person rule shows as awaiting another."""
    req.awaiting_another = bool(_standing(user, req).refusal)  # type: ignore[attr-defined]
    return req


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return request_page(request, get_object_or_404(visible_requests(request.user), pk=pk))


def request_page(
    request: HttpRequest, req: DownloadRequest, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The request, its job, its decision and its stored copies; `forms` re-shows one that was refused."""
    user = request.user
    # As with_deletions does for the list (a copy refused a form comes here with a plain request).
    deletion = Download.objects.filter(request=req).aggregate(
        kept=Count("pk", filter=Q(kind=Kind.PACKAGE, deleted_at=None)), last=Max("deleted_at")
    )
    req.copies_kept, req.copies_deleted_at = deletion["kept"], deletion["last"]  # type: ignore[attr-defined]
    own = user.pk in (req.requested_by_id, req.requestor_user_id)
    open_ = req.status in (RequestStatus.REQUESTED, RequestStatus.FAILED)
    standing = _standing(user, req) if open_ else two_person.Standing(False)
    authoriser, blocked = standing.authority, standing.refusal is not None
    held = holds.request_state(req)
    failed = req.status == RequestStatus.FAILED
    blockers = services.reissue_blockers(req) if failed else []
    job = JobRecord.objects.filter(task_id=req.job_task_id).first() if req.job_task_id else None
    context = {
        "req": req,
        "cameras": req.cameras.all(),
        "job": job,
        # 9.3: a long package's burned-in working copy being made after it (evidence/burned_copy.py).
        "burning": req.status == RequestStatus.READY
        and job is not None
        and job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "may_decide": req.status == RequestStatus.REQUESTED and authoriser and not own and not blocked,
        "own_pending": req.status == RequestStatus.REQUESTED and authoriser and own,
        # A failure that would repeat (held footage not released, footage gone) is not offered again.
        "reissue_blockers": blockers,
        "may_reissue": failed and authoriser and not own and not blocked and not blockers,
        "awaiting_another": standing.refusal if authoriser and not own else None,
        "may_withdraw": req.status == RequestStatus.REQUESTED and req.requested_by_id == user.pk,
        "siblings": _siblings(req),
        "building": req.status in (RequestStatus.APPROVED, RequestStatus.BUILDING),
        "copies": [
            _copy_context(user, c)
            for c in copies_of(user)
            .filter(request=req)
            .prefetch_related("reports__breach", "reports__reported_by")
        ],
        "form": DecisionForm(),
        "code_form": CodeForm(),
        "viewed_form": ViewedForm(),
        "hand_over_form": HandOverForm(),
        "extend_form": ExtendForm(),
        "delete_form": CodeForm(),
        "lost_form": LostForm(initial={"lost_noticed_at": _now_to_the_second()}),
        "password_form": PasswordSentForm(initial={"password_noticed_at": _now_to_the_second()}),
        # 9.6: held footage over the request, and the CCTV administrator's release for it (evidence/holds.py).
        "held": held,
        "awaiting_release": any(row["release"] is None for row in held),
        "may_release": can(user, HOLD, req.school_id),
        "release_form": HoldReleaseForm(),
        **(forms or {}),
    }
    return render(request, "evidence/request_detail.html", context, status=status)


def _siblings(req: DownloadRequest) -> int:
    """Other subject access packages of the same case awaiting authorisation: authorised together from the
    case's page they share one password (subjectaccess.authorise_response, 11.6)."""
    if (
        req.status != RequestStatus.REQUESTED
        or req.purpose != Purpose.SUBJECT_ACCESS
        or not req.case_reference
    ):
        return 0
    same = DownloadRequest.objects.filter(
        school_id=req.school_id,
        purpose=Purpose.SUBJECT_ACCESS,
        case_reference=req.case_reference,
        status=RequestStatus.REQUESTED,
    )
    return same.exclude(pk=req.pk).count()


def _copy_context(user: Actor, download: Download) -> dict[str, Any]:
    stored = download.deleted_at is None
    return {
        "download": download,
        "cells": dict(zip(services.HEADINGS, services.columns(download), strict=True)),
        "state": services.copy_state(download.expires_on, timezone.localdate()) if stored else None,
        "may_fetch": stored and services.may_fetch(user, download),
        # Issue 13 §3: a copy given over outside the app; once a recipient is recorded, later ones are
        # audited only.
        # Issue 15: a deleted copy offers no hand-over or viewing to record.
        "may_record_hand_over": stored and not download.handed_over_to and services.may_fetch(user, download),
        "may_record_viewing": stored
        and download.viewed_at is None
        and (services.may_fetch(user, download) or can(user, services.LOG, download.school_id)),
        "may_extend": stored and can(user, services.EXTEND, download.school_id),
        "may_delete": stored and can(user, services.AUTHORISE, download.school_id),
        # 15.1, 11.6: reported lost, or its password sent with it — each a breach draft for the DPO.
        "may_report": services.may_report(user, download),
        "reports": [_report_context(user, r) for r in download.reports.all()],
    }


def _report_context(user: Actor, report: CopyReport) -> dict[str, Any]:
    """A report on the copy, with its breach linked for those who read the register (breaches.view)."""
    breach = report.breach
    may_open = breach is not None and can(user, VIEW_BREACH, breach.school_id)
    return {"report": report, "breach": breach, "may_open": may_open}


def _now_to_the_second() -> datetime:
    """The form's default "when did you find out": now, to the second (a copy built this minute may be
    reported at once), in UK time."""
    return timezone.localtime().replace(microsecond=0)


# --- deciding, re-issuing, withdrawing ----------------------------------------------------------------------


def _password_page(request: HttpRequest, decided: services.Decided) -> HttpResponse:
    response = render(
        request, "evidence/password.html", {"req": decided.request, "password": decided.password}
    )
    response["Cache-Control"] = "private, no-store"  # the page holds the password (11.6)
    return response


def _authorising(
    request: HttpRequest,
    pk: int,
    form: Form,
    field: str,
    call: Callable[[DownloadRequest, dict[str, Any]], services.Decided],
) -> HttpResponse:
    """A decision or a re-issue from the request's page: the password page once (11.6), a refusal's note
    back to the page, or the page again with the form (`field`) showing why it was refused."""
    req = get_object_or_404(authorisable(request.user), pk=pk)
    outcome = attempt(request, form, lambda data: call(req, data))
    if not outcome.done:
        return request_page(request, req, {field: form}, status=400)
    if outcome.value.password is None:
        messages.success(request, "Refused. The requester sees your note.")
        return redirect("evidence:request_detail", pk=req.pk)
    return _password_page(request, outcome.value)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(req: DownloadRequest, data: dict[str, Any]) -> services.Decided:
        approve, code, note = data["decision"] == "approve", data["code"], data["note"]
        return services.decide_download(
            request.user, req, approve=approve, otp_code=code, note=note, now=timezone.now()
        )

    return _authorising(request, pk, DecisionForm(request.POST), "form", decide)


@login_required
@require_POST
def request_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    def reissue(req: DownloadRequest, data: dict[str, Any]) -> services.Decided:
        return services.reissue_download(request.user, req, otp_code=data["code"], now=timezone.now())

    return _authorising(request, pk, CodeForm(request.POST), "code_form", reissue)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        restrict(REQUESTS, request.user, services.REQUEST), pk=pk, requested_by=request.user
    )
    services.withdraw_download(request.user, req)
    messages.success(request, "Request withdrawn.")
    return redirect("evidence:request_detail", pk=req.pk)
