"""Erasure before disposal (13.1), the CCTV administrator's pages: the decommissioned cameras whose
recordings are still stored, erasing them with a reason, and the erasure certificates with their PDFs
(recording/erasure.py; design/recording.md "Erasure before disposal"). A storage device is erased from the
command line (`watchkeeper erase-for-disposal storage FOLDER`): it is a server's disk, not a school's page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from watchkeeper.core.forms import Form
from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import submit
from watchkeeper.core.shortcuts import in_school, list_school, schools_where
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.recording.erasure import ERASE, erase_camera
from watchkeeper.recording.erasure_pdf import certificate_pdf, paragraphs
from watchkeeper.recording.models import ErasureCertificate


class ErasureForm(Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="13.1: why, and where the camera goes (e.g. “replaced; old unit to the WEEE skip”).",
    )


def _waiting(request: HttpRequest) -> QuerySet[Camera]:
    """Decommissioned cameras whose recordings are still stored."""
    cameras = Camera.objects.filter(status=CameraStatus.DECOMMISSIONED, segments__isnull=False)
    cameras = cameras.select_related("school").annotate(
        stored=Count("segments"), first=Min("segments__start"), last=Max("segments__end")
    )
    return restrict(cameras, request.user, ERASE)


def _certificates(request: HttpRequest) -> QuerySet[ErasureCertificate]:
    return restrict(ErasureCertificate.objects.select_related("school", "camera", "by"), request.user, ERASE)


@login_required
def erasure_list(request: HttpRequest, form: ErasureForm | None = None, status: int = 200) -> HttpResponse:
    school = list_school(request, ERASE)
    waiting, certificates = _waiting(request), _certificates(request)
    waiting, certificates = in_school(waiting, school), in_school(certificates, school)
    context: dict[str, Any] = {
        "waiting": waiting,
        "certificates": certificates,
        "form": form or ErasureForm(),
        "school": school,
        "schools": schools_where(request, ERASE),
    }
    return render(request, "recording/erasure_list.html", context, status=status)


@login_required
@require_POST
def camera_erase(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(restrict(Camera.objects.select_related("school"), request.user, ERASE), pk=pk)
    form = ErasureForm(request.POST)
    if sent := submit(
        request,
        form,
        lambda data: erase_camera(request.user, camera, data["reason"], now=timezone.now()),
        said=lambda certificate: (
            f"{certificate.segments_erased} recording segment(s) of {camera.name} "
            f"erased; erasure certificate {certificate.pk} below (13.1)."
        ),
        to=lambda certificate: reverse("recording:erasure_detail", args=[certificate.pk]),
    ):
        return sent
    return erasure_list(request, form, status=400)


@login_required
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(_certificates(request), pk=pk)
    context = {"certificate": certificate, "paragraphs": paragraphs(certificate)}
    return render(request, "recording/erasure_detail.html", context)


@login_required
def erasure_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(_certificates(request), pk=pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="erasure-certificate-{certificate.pk}.pdf"'
    return response
