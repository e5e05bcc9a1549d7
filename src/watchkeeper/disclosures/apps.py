from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "watchkeeper.disclosures"
    label = "disclosures"
