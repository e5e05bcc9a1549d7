"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class DisclosuresConfig(registry.Registering):
    name = "watchkeeper.disclosures"
    links = (
        Link("Disclosures", "disclosures:index", "disclosures.view", group="Requests", order=190),
        Link(
            "Disclosure reviews", "disclosures:review_list", "disclosures.review", group="Requests", order=200
        ),
    )
    panels = (Panel("disclosures.flags", "disclosures/_flags.html", "flags", order=20),)
    inbox = ("requests_to_decide", "reviews_to_finish", "referred_for_advice", "foi_to_answer")
