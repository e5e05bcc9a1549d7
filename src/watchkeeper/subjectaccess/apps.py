from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "watchkeeper.subjectaccess"
    label = "subjectaccess"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry
        from watchkeeper.subjectaccess import panels

        registry.add_links(
            registry.Link(
                "Subject access", "subjectaccess:case_list", "sar.view", group="Requests", order=170
            ),
            registry.Link(
                "SAR reviews", "subjectaccess:review_list", "sar.review", group="Requests", order=180
            ),
        )
        registry.add_panel(
            registry.Panel("subjectaccess.flags", "subjectaccess/_flags.html", panels.flags, order=10)
        )
