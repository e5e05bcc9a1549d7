"""The reviews pages (18.1, 3.1, 3.3): the CCTV policy's versions and acknowledgements, one's own
acknowledgement, and each camera's yearly review. Every change goes through reviews.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.compliance.downloads import attachment
from watchkeeper.core.actors import Person
from watchkeeper.core.dates import uk_date
from watchkeeper.core.permissions import can, restrict
from watchkeeper.core.refusals import form_page
from watchkeeper.core.shortcuts import in_school, list_school, require_anywhere
from watchkeeper.estate.models import Camera, CameraStatus, Trust
from watchkeeper.people.models import RoleGrant
from watchkeeper.reviews import due, pause, reminders, services
from watchkeeper.reviews.forms import CameraReviewForm, TriggerForm, VersionForm
from watchkeeper.reviews.models import Acknowledgement, CameraReview, PolicyVersion
from watchkeeper.reviews.services import APPROVE, CAMERA_REVIEW, MANAGE

VIEW = "reviews.policy_view"


def _my_trust(request: HttpRequest) -> Trust:
    trust_id = services.trust_of(request.user)
    if trust_id is None:
        raise Http404("No trust.")
    return Trust.objects.get(pk=trust_id)


def _require_trust_wide(request: HttpRequest, action: str) -> Trust:
    if not can(request.user, action, None):
        raise PermissionDenied(f"You are not permitted to do this ({action}).")
    return _my_trust(request)


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    """The trust's policy versions, who has acknowledged each, and when the next review is due (18.1)."""
    require_anywhere(request, VIEW)
    trust, today = _my_trust(request), timezone.localdate()
    versions = (
        PolicyVersion.objects.filter(trust=trust)
        .select_related("document", "uploaded_by", "approved_by")
        .annotate(acknowledged=Count("acknowledgements"))
    )
    grants = RoleGrant.objects.current().filter(trust=trust)
    review = reminders.policy_review(trust.pk, today)
    context = {
        "versions": [(v, due.pause_from(v.effective_on, v.grace_days)) for v in versions],
        "staff": grants.values("user").distinct().count(),
        "review": review,
        # The names only of the staff of schools the reader may see (a Headteacher: their own school's).
        "not_acknowledged": _not_acknowledged(restrict(grants, request.user, VIEW), review.current),
        "today": today,
        "may_manage": can(request.user, MANAGE, None),
        "may_approve": can(request.user, APPROVE, None),
    }
    return render(request, "reviews/policy_list.html", context)


def _not_acknowledged(grants: QuerySet[RoleGrant], version: PolicyVersion | None) -> QuerySet[Person]:
    """3.3, by name: the holders of `grants` who have not yet acknowledged the version in force (a count
    alone tells the DPO nobody to chase)."""
    if version is None:
        return Person.objects.none()
    acknowledged = Acknowledgement.objects.filter(version=version).values("user")
    return (
        Person.objects.filter(pk__in=grants.values("user"))
        .exclude(pk__in=acknowledged)
        .order_by("first_name", "last_name", "username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_upload(request: HttpRequest) -> HttpResponse:
    trust = _require_trust_wide(request, MANAGE)
    return form_page(
        request,
        VersionForm(request.POST or None, request.FILES or None),
        lambda data: services.upload_version(
            request.user,
            trust,
            data["version"],
            data["document"],
            data["effective_on"],
            summary=data["summary"],
            grace_days=data["grace_days"],
            now=timezone.now(),
        ),
        said=lambda version: f"Version {version.version} uploaded: it awaits the board's approval (3.1).",
        to="reviews:policy_list",
        template="reviews/policy_upload.html",
    )


@login_required
@require_POST
def policy_approve(request: HttpRequest, pk: int) -> HttpResponse:
    trust = _require_trust_wide(request, APPROVE)
    version = get_object_or_404(PolicyVersion, pk=pk, trust=trust)
    services.approve_version(request.user, version, now=timezone.now())  # a refusal: the refused page
    messages.success(request, f"The board's approval of version {version.version} recorded (3.1).")
    return redirect("reviews:policy_list")


@login_required
@require_http_methods(["GET", "POST"])
def trigger_record(request: HttpRequest) -> HttpResponse:
    trust = _require_trust_wide(request, MANAGE)
    return form_page(
        request,
        TriggerForm(request.POST or None),
        lambda data: services.record_trigger(
            request.user, trust, data["reason"], data["review_by"], now=timezone.now()
        ),
        said=lambda trigger: f"The policy's review is brought forward to {uk_date(trigger.review_by)}.",
        to="reviews:policy_list",
        template="reviews/trigger_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest) -> HttpResponse:
    """One's own acknowledgement of the version in force (3.3): any member of staff, for their own trust."""
    _my_trust(request)
    found = pause.in_force(request.user, timezone.localdate())  # type: ignore[arg-type]
    if request.method == "POST":
        if found.version is None:
            raise Http404("No policy version in force.")
        services.acknowledge(request.user, found.version, now=timezone.now())
        messages.success(request, f"Thank you: you have acknowledged version {found.version.version} (3.3).")
        return redirect("reviews:acknowledge")
    v = found.version
    context = {"found": found, "pause_on": due.pause_from(v.effective_on, v.grace_days) if v else None}
    return render(request, "reviews/acknowledge.html", context)


@login_required
def policy_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's document: every member of staff of the trust reads the approved ones; the people who
    look after the policy see a version awaiting approval too."""
    versions = PolicyVersion.objects.filter(trust=_my_trust(request)).select_related("document")
    if not can(request.user, VIEW, None) and not can(request.user, APPROVE, None):
        versions = versions.filter(approved_at__isnull=False)
    return attachment(get_object_or_404(versions, pk=pk).document)


@login_required
def camera_reviews(request: HttpRequest) -> HttpResponse:
    """Each camera in service, its last yearly review and when the next is due (18.1)."""
    school = list_school(request, CAMERA_REVIEW)
    cameras = restrict(
        Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED).select_related("school"),
        request.user,
        CAMERA_REVIEW,
    )
    cameras = in_school(cameras, school)
    reviews = services.latest_reviews(cameras)
    today = timezone.localdate()
    rows = []
    for camera in cameras:
        last = reviews.get(camera.pk)
        due_on = due.camera_review_due(
            last.next_review_on if last else None, timezone.localdate(camera.created_at)
        )
        rows.append((camera, last, due_on, due.overdue(due_on, today)))
    rows.sort(key=lambda row: row[2])
    return render(request, "reviews/camera_reviews.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def camera_review_record(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(
        restrict(Camera.objects.select_related("school"), request.user, CAMERA_REVIEW), pk=pk
    )
    return form_page(
        request,
        CameraReviewForm(request.POST or None),
        lambda data: services.record_camera_review(
            request.user, camera, data["still_necessary"], data["notes"], now=timezone.now()
        ),
        said=lambda review: _reviewed(camera, review),
        to="reviews:camera_reviews",
        template="reviews/camera_review_form.html",
        context={"camera": camera},
    )


def _reviewed(camera: Camera, review: CameraReview) -> str:
    if not review.still_necessary:
        return (
            f"Review of {camera.name} recorded: the camera is decommissioned and no longer records; the CCTV "
            "administrator is asked to erase its recordings before disposal (13.1)."
        )
    return f"Review of {camera.name} recorded; next due by {uk_date(review.next_review_on)}."
