"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class PeopleConfig(registry.Registering):
    name = "watchkeeper.people"
    links = (
        Link("Staff", "people:staff_list", "people.view", group="Registers", order=90),
        Link("Nominated alternates", "people:nominations", "people.view", group="Registers", order=91),
        Link("Confirm who holds roles", "people:confirm_roles", "people.manage", group="Registers", order=92),
        Link(
            "Re-routed decisions", "people:reroutings", "people.decide_rerouted", group="Requests", order=95
        ),
    )
    panels = (Panel("people.rerouted", "people/_rerouted.html", "rerouted", order=40),)
    inbox = ("referrals",)

    def ready(self) -> None:
        super().ready()
        from watchkeeper.people import sessions, sign_ins

        sign_ins.connect()
        sessions.connect()
