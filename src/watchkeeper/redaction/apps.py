from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "watchkeeper.redaction"
    label = "redaction"
