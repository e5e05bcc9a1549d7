from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "watchkeeper.compliance"
    label = "compliance"
