"""What this app shows in the navigation and on the dashboard (core/registry.py), and its pause check."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class ReviewsConfig(registry.Registering):
    name = "watchkeeper.reviews"
    verbose_name = "Reviews and acknowledgements"
    links = (
        Link("CCTV policy", "reviews:policy_list", "reviews.policy_view", group="Registers", order=40),
        Link(
            "Camera reviews", "reviews:camera_reviews", "reviews.camera_review", group="Registers", order=55
        ),
    )
    panels = (Panel("reviews.due", "reviews/_due.html", "due", order=55),)
    inbox = ("to_acknowledge", "policy_reviews", "camera_and_dpia_reviews")

    def ready(self) -> None:
        super().ready()
        from watchkeeper.core.permissions import add_pause_check
        from watchkeeper.reviews.pause import refusal_for

        add_pause_check(refusal_for)  # 3.3: footage actions pause after a new version's grace period
