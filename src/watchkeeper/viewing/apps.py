from django.apps import AppConfig


class ViewingConfig(AppConfig):
    name = "watchkeeper.viewing"
    label = "viewing"
