from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watchkeeper.people"
    label = "people"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry
        from watchkeeper.people import panels

        registry.add_links(
            registry.Link("Staff", "people:staff_list", "people.view", group="Registers", order=90),
            registry.Link(
                "Re-routed decisions",
                "people:reroutings",
                "people.decide_rerouted",
                group="Requests",
                order=95,
            ),
        )
        registry.add_panel(
            registry.Panel("people.rerouted", "people/_rerouted.html", panels.rerouted, order=40)
        )
