"""One request from the public form in the demo (issue 18 §3): a parent asks for footage of their child,
through the same service as the form, so it waits in the SAR handler's inbox with its footage held, for the
child's views and the safeguarding lead's check. Idempotent: a school with one gets no second."""

from __future__ import annotations

from datetime import datetime

from watchkeeper.estate.models import School
from watchkeeper.public import services
from watchkeeper.public.models import Submission
from watchkeeper.subjectaccess.models import Relationship, RequestKind, SubjectAccessRequest

DEMO_PARENT = "Sam Example (demo parent)"


def seed_demo(
    school: School, window: tuple[datetime, datetime], now: datetime
) -> SubjectAccessRequest | None:
    existing = Submission.objects.filter(case__school=school).select_related("case").first()
    if existing is not None:
        return existing.case
    return services.submit_request(
        school,
        kind=RequestKind.ACCESS,
        relationship=Relationship.PARENT,
        name=DEMO_PARENT,
        email="sam@demo.invalid",
        description="Where: the playground\nWearing: my daughter, green coat and red wellies (demo)",
        window_start=window[0],
        window_end=window[1],
        client_address="127.0.0.1",
        confirm_link=lambda token: f"/public/confirm/{token}/",
        now=now,
    )
