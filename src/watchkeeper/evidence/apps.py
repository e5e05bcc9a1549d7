from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "watchkeeper.evidence"
    label = "evidence"
