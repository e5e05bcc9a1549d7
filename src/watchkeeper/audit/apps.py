from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "watchkeeper.audit"
    label = "audit"
