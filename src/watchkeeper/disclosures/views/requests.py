"""The list of requests, logging a police (11.3) or outside-body (11.5) request, and one request's page
with what is done on it: the decision, documents, referral to the DPO and the DPO's advice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt, submit
from watchkeeper.core.shortcuts import in_school, list_school
from watchkeeper.disclosures import services
from watchkeeper.disclosures.forms import (
    AdviceForm,
    DecisionForm,
    DocumentForm,
    EscalateForm,
    OutsideRequestForm,
    PoliceRequestForm,
)
from watchkeeper.disclosures.models import DisclosureRequest, Document, RequestStatus
from watchkeeper.disclosures.next_step import Facts, NextStep, request_step
from watchkeeper.disclosures.views.common import (
    ADVISE,
    FOIS,
    MANAGE,
    REGISTER,
    REQUESTS,
    REVIEW,
    VIEW,
    logging_page,
)
from watchkeeper.disclosures.views.foi import decider_context, foi_rows
from watchkeeper.evidence.models import Download, DownloadRequest
from watchkeeper.evidence.models import RequestStatus as DownloadStatus
from watchkeeper.people import deciders
from watchkeeper.storage.keys import Unreadable
from watchkeeper.storage.store import ObjectMissing
from watchkeeper.viewing import reviews

# What is done on a request's page: the service called with the request and the form's cleaned data.
Act = Callable[[HttpRequest, DisclosureRequest, dict[str, Any]], Any]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    requests_ = restrict(REQUESTS, request.user, VIEW)
    fois = restrict(FOIS, request.user, VIEW)
    requests_, fois = in_school(requests_, school), in_school(fois, school)
    pending = requests_.filter(status=RequestStatus.PENDING)
    context = {
        "school": school,
        "referred": pending.exclude(escalated_at=None),
        "pending": pending.filter(escalated_at=None),
        "decided": requests_.exclude(status=RequestStatus.PENDING)[:50],
        "open_fois": foi_rows(fois.filter(decision="")),
        "answered_fois": foi_rows(fois.exclude(decision="")[:50]),
        "can_manage": holds_any(request.user, MANAGE),
        "can_register": holds_any(request.user, REGISTER),
        "is_dpo": holds_any(request.user, ADVISE),
    }
    return render(request, "disclosures/index.html", context)


# --- logging requests -------------------------------------------------------------------------------------


def _logging_view(form_class: Any, log: Any, logged: str, extra: dict[str, Any]) -> Any:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        return logging_page(
            request,
            form_class,
            log,
            logged=logged,
            detail="disclosures:request_detail",
            template="disclosures/request_form.html",
            extra=extra,
        )

    return view


police_new = _logging_view(
    PoliceRequestForm,
    services.log_police_request,
    "Police request logged and referred to the Headteacher (11.3).",
    {"s29_note": services.S29_NOTE, "police": True},
)
outside_new = _logging_view(
    OutsideRequestForm,
    services.log_outside_request,
    "Request logged and referred to the Headteacher (11.5). Upload the documents.",
    {"police": False},
)


# --- one request ------------------------------------------------------------------------------------------


def _render_request(
    request: HttpRequest, req: DisclosureRequest, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    pending = req.status == RequestStatus.PENDING
    decision_form = forms.get("decision_form") or DecisionForm(initial={"confirmed_purpose": req.purpose})
    if not (pending and services.needs_override(req)):
        decision_form.fields.pop("override", None)  # asked only where the review found nothing (11.3)
    context = {
        "req": req,
        "cameras": req.cameras.order_by("name"),
        "documents": req.documents.select_related("uploaded_by"),
        "s29_note": services.S29_NOTE,
        "release_conditions": services.RELEASE_CONDITIONS,
        **decider_context(user, deciders.DISCLOSURE, req, pending),
        "may_manage": can(user, MANAGE, req.school_id),
        "may_escalate": pending and req.escalated_at is None and can(user, MANAGE, req.school_id),
        "may_advise": req.escalated_at is not None and can(user, ADVISE, req.school_id),
        "review_approved": reviews.review_approved(req.review),
        "review_problems": services.review_problems(req) if pending else [],
        # Issue 15 §4: whether approving authorises the package in the same decision, or why it would wait.
        "package_waits": services.package_waits(user, req, now=timezone.now()) if pending else [],
        "dl_authorised": _package_authorised(req),
        "needs_override": pending and services.needs_override(req),
        "decision_form": decision_form,
        "document_form": forms.get("document_form") or DocumentForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "advice_form": forms.get("advice_form") or AdviceForm(),
    }
    context["next_step"], context["next_link"] = _next_step(user, req, context)
    return render(request, "disclosures/request_detail.html", context, status=status)


def _next_step(
    user: Any, req: DisclosureRequest, context: dict[str, Any]
) -> tuple[NextStep | None, tuple[str, str]]:
    """The suggested next step (issue 15 §5) and its link: (href, words), or ("", "")."""
    copies = Download.objects.filter(request_id=req.download_request_id) if req.download_request_id else None
    step = request_step(
        Facts(
            status=req.status,
            police=req.is_police,
            documents=len(context["documents"]),
            referred=req.escalated_at is not None,
            advised=bool(req.dpo_advice),
            may_advise=context["may_advise"],
            reviewed=req.review_id is not None,
            review_approved=context["review_approved"],
            finding=bool(req.review_outcome),
            may_decide=context["may_decide"],
            package_asked=req.download_request_id is not None,
            package_authorised=context["dl_authorised"],
            handed_over=bool(copies and copies.exclude(handed_over_at=None).exists()),
        )
    )
    if step is None:
        return None, ("", "")
    # A link only where this person may open it (no 403 at the end of a suggestion): the review list is the
    # reviewers'; the reviewer's footage request is for its deciders and its reviewer.
    if step.where == "reviews" and not can(user, REVIEW, req.school_id):
        return step, ("", "")
    if step.where == "review" and not (
        context["may_decide"] or (req.review and req.review.requested_by_id == user.pk)
    ):
        return step, ("", "")
    links = {
        "decide": ("#decide", "Decide ↓"),
        "upload": ("#upload", "Upload ↓"),
        "advise": ("#advise", "Advice ↓"),
        "reviews": (reverse("disclosures:review_list"), "Disclosure reviews"),
        "review": (
            reverse("viewing:authorisation_detail", args=[req.review_id]) if req.review_id else "",
            "The reviewer's footage request",
        ),
        "download": (
            reverse("evidence:request_detail", args=[req.download_request_id])
            if req.download_request_id
            else "",
            "The download request",
        ),
    }
    return step, links.get(step.where, ("", ""))


def _package_authorised(req: DisclosureRequest) -> bool:
    """The approval's package is authorised (with the decision, or since under Downloads)."""
    if req.download_request_id is None:
        return False
    download = DownloadRequest.objects.filter(pk=req.download_request_id)
    return download.exclude(status=DownloadStatus.REQUESTED).exists()


def _act(
    request: HttpRequest, pk: int, action: str, form: Any, name: str, act: Act, done: Callable[[Any], str]
) -> HttpResponse:
    """Do `act` on the request from its page's form `name`: back to the request with `done`'s message
    about what the service returned, or the page again with the form, its refusal in it (400)."""
    req = get_object_or_404(restrict(REQUESTS, request.user, action), pk=pk)
    to = reverse("disclosures:request_detail", args=[req.pk])
    if sent := submit(request, form, lambda data: act(request, req, data), said=done, to=to):
        return sent
    return _render_request(request, req, status=400, **{name: form})


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_request(request, get_object_or_404(restrict(REQUESTS, request.user, VIEW), pk=pk))


def _decide(request: HttpRequest, req: DisclosureRequest, data: dict[str, Any]) -> services.Decided:
    return services.decide_and_release(
        request.user,
        req,
        approve=data["decision"] == "approve",
        code=data["code"],
        reason=data["reason"],
        confirmed_purpose=data["confirmed_purpose"],
        override=data.get("override", ""),
        now=timezone.now(),
    )


def _decided(decided: services.Decided) -> str:
    if decided.request.status != RequestStatus.APPROVED:
        return "Refused."
    waits = " ".join(decided.package_waits)
    return f"Approved: sent to the evidence workflow. The package waits for its own authorisation ({waits})."


def _released_page(request: HttpRequest, req: DisclosureRequest, package: Any) -> HttpResponse:
    """Approved with its package (an evidence.services.Decided): its password, shown once (11.6), never
    kept."""
    context = {
        "req": req,
        "download": package.request,
        "password": package.password,
        "release_conditions": services.RELEASE_CONDITIONS,
    }
    response = render(request, "disclosures/released.html", context)
    response["Cache-Control"] = "private, no-store"  # the page holds the password (11.6)
    return response


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision (issue 15 §4): the release and, where the decider may authorise it, its package —
    the password page once; otherwise back to the request with what was decided."""
    # VIEW: the DPO decides an escalated request too; the service checks who decides (people/deciders.py).
    req = get_object_or_404(restrict(REQUESTS, request.user, VIEW), pk=pk)
    form = DecisionForm(request.POST)
    outcome = attempt(request, form, lambda data: _decide(request, req, data))
    if not outcome.done:
        return _render_request(request, req, status=400, decision_form=form)
    if outcome.value.package is not None:
        return _released_page(request, req, outcome.value.package)
    messages.success(request, _decided(outcome.value))
    return redirect("disclosures:request_detail", pk=req.pk)


def _upload(request: HttpRequest, req: DisclosureRequest, data: dict[str, Any]) -> Any:
    upload = data["file"]
    return services.upload_document(
        request.user, req, kind=data["kind"], name=upload.name, data=upload.read(), now=timezone.now()
    )


def _stored(document: Document) -> str:
    return f"“{document.original_name}” stored, encrypted (11.5)."


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    return _act(request, pk, MANAGE, form, "document_form", _upload, _stored)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    documents = Document.objects.select_related("request__school")
    document = get_object_or_404(restrict(documents, request.user, VIEW), pk=pk)
    try:
        data = services.open_document(request.user, document)
    except (Unreadable, ObjectMissing) as error:
        raise Http404(f"That document cannot be opened: {error}") from error
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(document.original_name)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name) or "document"


@login_required
@require_POST
def request_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        MANAGE,
        EscalateForm(request.POST),
        "escalate_form",
        lambda request, req, data: services.escalate(request.user, req, data["note"], now=timezone.now()),
        lambda _req: "Referred to the Data Protection Officer (11.5).",
    )


@login_required
@require_POST
def request_advise(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ADVISE,
        AdviceForm(request.POST),
        "advice_form",
        lambda request, req, data: services.advise(request.user, req, data["advice"], now=timezone.now()),
        lambda _req: "Advice recorded; the Headteacher decides (11.5).",
    )
