from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "watchkeeper.core"
    label = "core"
