"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class SubjectAccessConfig(registry.Registering):
    name = "watchkeeper.subjectaccess"
    links = (
        Link("Subject access", "subjectaccess:case_list", "sar.view", group="Requests", order=170),
        Link("SAR reviews", "subjectaccess:review_list", "sar.review", group="Requests", order=180),
    )
    panels = (Panel("subjectaccess.flags", "subjectaccess/_flags.html", "flags", order=10),)
    inbox = ("cases_by_deadline", "reviews_to_attest", "safeguarding_checks")
