"""Pages of the DPO's settings (compliance.trust) and of each school's compliance: its privacy notice
(compliance.notices) beside its signs, DPIAs and exceptions.

Every queryset goes through restrict(); every change goes through a service. Documents are streamed by
permission-checked views only — never served as public media.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from watchkeeper.compliance import notices, services, trust
from watchkeeper.compliance.forms import PrivacyNoticeForm, TrustSettingsForm
from watchkeeper.compliance.models import DPIA, Sign
from watchkeeper.compliance.views import CHANGE, VIEW, _download, _posted
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.permissions import ACTIONS, can, restrict
from watchkeeper.core.refusals import form_page
from watchkeeper.estate.models import Camera, Purpose, School, Trust
from watchkeeper.people.models import RoleGrant
from watchkeeper.viewing.models import ReasonCategory
from watchkeeper.viewing.rules import REASON_PURPOSES

GET_POST = require_http_methods(["GET", "POST"])


def _dpo_trust(user: Actor) -> Trust:
    """The trust whose settings this person keeps: where they hold the DPO's settings trust-wide."""
    grant = (
        RoleGrant.objects.current()
        .filter(user=person_or_none(user), school__isnull=True, role__in=ACTIONS[trust.SETTINGS])
        .first()
    )
    if grant is None:
        raise PermissionDenied("Only the Data Protection Officer keeps the trust's settings.")
    return grant.trust


@login_required
@GET_POST
def settings_page(request: HttpRequest) -> HttpResponse:
    """The DPO's settings: Art 9/10 conditions, the appropriate policy document, overdue reviews (18.1)."""
    the_trust = _dpo_trust(request.user)
    current = trust.settings_of(the_trust.pk)
    data, files = _posted(request, files=True)
    form = TrustSettingsForm(data, files, instance=trust.settings_of(the_trust.pk))
    context = {
        "trust": the_trust,
        "current": current,
        "policy": trust.policy_document_status(current, timezone.localdate()),
        "reason_purposes": reason_purposes(),
    }
    return form_page(
        request,
        form,
        lambda data: trust.update_trust_settings(
            request.user,
            the_trust,
            {name: data[name] for name in trust.FIELDS},
            policy_document=data["policy_upload"],
            now=timezone.now(),
        ),
        said="The trust's settings are saved.",
        to="compliance:settings",
        template="compliance/trust_settings.html",
        context=context,
    )


def reason_purposes() -> list[tuple[str, list[str]]]:
    """4.1, 9.4: which camera purposes each kind of viewing reason serves (viewing.rules), in words. Shown
    to the DPO, not edited: it is a judgement written in code (design/estate.md)."""
    return [
        (ReasonCategory(reason).label, [Purpose(p).label for p in sorted(purposes)])
        for reason, purposes in REASON_PURPOSES.items()
    ]


@login_required
def policy_document(request: HttpRequest) -> HttpResponse:
    current = trust.settings_of(_dpo_trust(request.user).pk)
    return _download(current.policy_file)


def _school(request: HttpRequest, pk: int, action: str = VIEW) -> School:
    return get_object_or_404(restrict(School.objects.all(), request.user, action), pk=pk)


@login_required
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's compliance: its privacy notice (with its review flag), signs, DPIAs and exceptions."""
    school = _school(request, pk)
    today = timezone.localdate()
    notice = notices.notice_of(school)
    cameras = Camera.objects.filter(school=school).select_related("school", "vehicle")
    context = {
        "school": school,
        "today": today,
        "notice": notice,
        "notice_due": notices.review_due(notice, today),
        "notice_due_on": notices.review_due_on(notice) if notice else None,
        "can_change": can(request.user, CHANGE, school.pk),
        "signs": Sign.objects.filter(school=school).select_related("vehicle"),
        "dpias": DPIA.objects.filter(school=school).prefetch_related("cameras"),
        "exceptions": services.exceptions_for(cameras.prefetch_related("dpias"), today),
        "summary": services.compliance_summary([school], cameras, today)[0],
    }
    return render(request, "compliance/school.html", context)


@login_required
@GET_POST
def privacy_notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk, CHANGE)
    notice = notices.notice_of(school)
    initial = (
        {"text": notice.text, "published_where": notice.published_where, "reviewed_on": notice.reviewed_on}
        if notice
        else {}
    )
    data, files = _posted(request, files=True)
    form = PrivacyNoticeForm(data, files, initial=initial)
    context = {"school": school, "notice": notice, "form": form}
    return form_page(
        request,
        form,
        lambda data: notices.record_privacy_notice(
            request.user,
            school,
            text=data["text"],
            published_where=data["published_where"],
            reviewed_on=data["reviewed_on"],
            document=data["document"],
            today=timezone.localdate(),
        ),
        said=f"The privacy notice of {school.name} is recorded.",
        to=reverse("compliance:school", args=[school.pk]),
        template="compliance/privacy_notice_form.html",
        context=context,
    )


@login_required
def privacy_notice_document(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.notice_of(_school(request, pk))
    if notice is None:
        raise Http404("No privacy notice.")
    return _download(notice.document_file)
