"""Pages of the compliance registers: DPIAs (7.1–7.3, 11.6, 18.1), CCTV signs (6.1) and the exceptions list.

Every queryset goes through restrict(); every change goes through compliance.services. Uploaded documents and
sign photos are streamed by permission-checked views only — never served as public media.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.compliance import services
from watchkeeper.compliance.downloads import attachment
from watchkeeper.compliance.forms import (
    DocumentForm,
    DPIACamerasForm,
    DPIAForm,
    DPIASharingForm,
    SignCheckForm,
    SignForm,
    SupersedeForm,
)
from watchkeeper.compliance.gates import sign_checked
from watchkeeper.compliance.models import DPIA, DPIADocument, DPIAStatus, SealedFile, Sign
from watchkeeper.core.dates import uk_date
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import form_page, submit
from watchkeeper.core.shortcuts import chosen_school, in_school, list_school, require_anywhere, schools_where
from watchkeeper.estate.choices import school_form_page
from watchkeeper.estate.models import Camera, School, Vehicle

VIEW, CHANGE, APPROVE = "compliance.view", "compliance.change", "compliance.approve_dpia"
GET_POST = require_http_methods(["GET", "POST"])


# --- helpers ---------------------------------------------------------------------------------------------


def _posted(request: HttpRequest, files: bool = False) -> Any:
    """The data to bind a form to: none on a GET, so the form is shown unbound."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _for_form(request: HttpRequest, queryset: QuerySet[Any], school: School | None) -> QuerySet[Any]:
    """Offer the chosen school's rows; accept any the user may change, so the service names a mismatch."""
    return queryset if request.method == "POST" else in_school(queryset, school)


def _download(stored: SealedFile | None) -> HttpResponse:
    return attachment(stored)


def _done(request: HttpRequest, text: str, target: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(target)


# --- DPIAs -----------------------------------------------------------------------------------------------


@login_required
def dpia_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    dpias = in_school(
        restrict(
            DPIA.objects.select_related("school", "approved_by").prefetch_related("cameras"),
            request.user,
            VIEW,
        ),
        school,
    )
    return render(
        request,
        "compliance/dpia_list.html",
        {
            "dpias": dpias,
            "school": school,
            "today": timezone.localdate(),
            "schools": schools_where(request, VIEW),
            "can_draft": holds_any(request.user, CHANGE),
        },
    )


@login_required
@GET_POST
def dpia_create(request: HttpRequest) -> HttpResponse:
    return school_form_page(
        request,
        CHANGE,
        DPIAForm,
        lambda data: services.create_dpia(
            request.user,
            data["school"],
            data["title"],
            data["cameras"],
            retrospective=data["retrospective"],
            summary=data["summary"],
        ),
        said=lambda dpia: f"Draft DPIA “{dpia.title}” saved.",
        to=dpia_url,
        template="compliance/dpia_form.html",
    )


def dpia_url(dpia: DPIA) -> str:
    return reverse("compliance:dpia_detail", args=[dpia.pk])


def _dpia(request: HttpRequest, pk: int, action: str = VIEW) -> DPIA:
    return get_object_or_404(restrict(DPIA.objects.select_related("school"), request.user, action), pk=pk)


def _replacements(request: HttpRequest, dpia: DPIA) -> QuerySet[DPIA]:
    approved = DPIA.objects.filter(school=dpia.school, status=DPIAStatus.APPROVED).exclude(pk=dpia.pk)
    return restrict(approved, request.user, VIEW)


def _render_detail(request: HttpRequest, dpia: DPIA, status: int = 200, **forms: Any) -> HttpResponse:
    user, school_id = request.user, dpia.school_id
    context = {
        "dpia": dpia,
        "today": timezone.localdate(),
        "cameras": dpia.cameras.select_related("school", "vehicle"),
        "documents": dpia.documents.select_related("uploaded_by"),
        "can_change": can(user, CHANGE, school_id),
        "can_approve": can(user, APPROVE, school_id),
        "upload_form": forms.get("upload_form") or DocumentForm(),
        "supersede_form": forms.get("supersede_form")
        or SupersedeForm(replacements=_replacements(request, dpia)),
    }
    return render(request, "compliance/dpia_detail.html", context, status=status)


@login_required
def dpia_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _dpia(request, pk))


@login_required
@GET_POST
def dpia_cameras(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's cameras. The service refuses once approved: an approved DPIA assessed what it names."""
    dpia = _dpia(request, pk, CHANGE)
    cameras = restrict(Camera.objects.select_related("school"), request.user, CHANGE)
    form = DPIACamerasForm(
        _posted(request),
        initial={"cameras": dpia.cameras.all()},
        cameras=_for_form(request, cameras, dpia.school),
    )
    return form_page(
        request,
        form,
        lambda data: services.set_dpia_cameras(request.user, dpia, data["cameras"]),
        said="Cameras covered by the DPIA updated.",
        to=dpia_url(dpia),
        template="compliance/dpia_cameras.html",
        context={"dpia": dpia},
    )


@login_required
@GET_POST
def dpia_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a draft's "how information will be shared" section (11.6), which approval requires."""
    dpia = _dpia(request, pk, CHANGE)
    form = DPIASharingForm(_posted(request), initial={"summary": dpia.summary})
    return form_page(
        request,
        form,
        lambda data: services.set_dpia_sharing(request.user, dpia, data["summary"]),
        said="How information will be shared: saved.",
        to=dpia_url(dpia),
        template="compliance/dpia_sharing.html",
        context={"dpia": dpia},
    )


@login_required
@require_POST
def dpia_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """7.1/7.3: only the DPO approves (the service refuses anyone else: 403); review a year on (18.1). A
    refusal (not a draft, no cameras, no sharing section: 11.6) leaves the view for the refused page."""
    dpia = _dpia(request, pk)
    services.approve_dpia(request.user, dpia, timezone.now())
    return _done(
        request, f"DPIA approved; next review by {uk_date(dpia.next_review_on)} (18.1).", dpia_url(dpia)
    )


@login_required
@require_POST
def dpia_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    dpia = _dpia(request, pk)
    form = SupersedeForm(request.POST, replacements=_replacements(request, dpia))
    if sent := submit(
        request,
        form,
        lambda data: services.supersede_dpia(request.user, dpia, data["replacement"]),
        said="DPIA superseded.",
        to=dpia_url(dpia),
    ):
        return sent
    return _render_detail(request, dpia, 400, supersede_form=form)


@login_required
@require_POST
def dpia_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dpia = _dpia(request, pk, CHANGE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        document = services.attach_dpia_document(request.user, dpia, form.cleaned_data["file"])
        return _done(request, f"“{document.name}” attached.", dpia_url(dpia))
    return _render_detail(request, dpia, 400, upload_form=form)


@login_required
def dpia_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    documents = DPIADocument.objects.select_related("stored")
    document = get_object_or_404(restrict(documents, request.user, VIEW), pk=pk)
    return _download(document.stored)


# --- Signs (6.1) -----------------------------------------------------------------------------------------


@login_required
def sign_list(request: HttpRequest) -> HttpResponse:
    school = list_school(request, VIEW)
    signs = in_school(
        restrict(Sign.objects.select_related("school", "vehicle", "checked_by"), request.user, VIEW), school
    )
    today = timezone.localdate()
    return render(
        request,
        "compliance/sign_list.html",
        {
            "rows": [
                (sign, sign_checked(sign, today), can(request.user, CHANGE, sign.school_id)) for sign in signs
            ],
            "school": school,
            "schools": schools_where(request, VIEW),
            "can_register": holds_any(request.user, CHANGE),
            "notices": _notices(request, school, today),
        },
    )


def _notices(request: HttpRequest, school: School | None, today: Any) -> list[tuple[School, Any, bool]]:
    """Each school's privacy notice beside its signs (6.1; UK GDPR Art 13), with its review flag."""
    from watchkeeper.compliance.models import PrivacyNotice
    from watchkeeper.compliance.notices import review_due

    schools = _school_rows(restrict(School.objects.all(), request.user, VIEW), school)
    found = {n.school_id: n for n in PrivacyNotice.objects.filter(school__in=schools)}
    return [(s, found.get(s.pk), review_due(found.get(s.pk), today)) for s in schools]


def _school_rows(schools: QuerySet[School], school: School | None) -> QuerySet[School]:
    return schools if school is None else schools.filter(pk=school.pk)


@login_required
@GET_POST
def sign_register(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, CHANGE)
    school = chosen_school(request, request.POST if request.method == "POST" else request.GET, CHANGE)
    form = SignForm(
        _posted(request),
        initial={"school": school},
        schools=schools_where(request, CHANGE),
        vehicles=_for_form(request, restrict(Vehicle.objects.all(), request.user, CHANGE), school),
    )
    return form_page(
        request,
        form,
        lambda data: services.register_sign(
            request.user,
            data["school"],
            data["placement"],
            data["location_description"],
            vehicle=data["vehicle"],
            last_checked_on=data["last_checked_on"],
        ),
        said="Sign registered.",
        to="compliance:sign_list",
        template="compliance/sign_form.html",
    )


@login_required
@GET_POST
def sign_check(request: HttpRequest, pk: int) -> HttpResponse:
    sign = get_object_or_404(
        restrict(Sign.objects.select_related("school", "vehicle"), request.user, CHANGE), pk=pk
    )
    form = SignCheckForm(*_posted(request, files=True))
    return form_page(
        request,
        form,
        lambda data: services.record_sign_check(
            request.user, sign, data["checked_on"], timezone.localdate(), data["photo"]
        ),
        said="Sign check recorded.",
        to="compliance:sign_list",
        template="compliance/sign_check.html",
        context={"sign": sign},
    )


@login_required
def sign_photo(request: HttpRequest, pk: int) -> HttpResponse:
    sign = get_object_or_404(restrict(Sign.objects.select_related("photo_file"), request.user, VIEW), pk=pk)
    return _download(sign.photo_file)


# --- Exceptions ------------------------------------------------------------------------------------------


@login_required
def exceptions(request: HttpRequest) -> HttpResponse:
    """For the Headteacher and the DPO: cameras in service with a compliance problem (6.1, 7.1, 7.3, 18.1)."""
    school = list_school(request, VIEW)
    cameras = restrict(
        Camera.objects.select_related("school", "vehicle").prefetch_related("dpias"), request.user, VIEW
    )
    return render(
        request,
        "compliance/exceptions.html",
        {
            "rows": services.exceptions_for(in_school(cameras, school), timezone.localdate()),
            "school": school,
            "schools": schools_where(request, VIEW),
        },
    )
