from django.apps import AppConfig


class EstateConfig(AppConfig):
    name = "watchkeeper.estate"
    label = "estate"
