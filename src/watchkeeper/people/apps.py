from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "watchkeeper.people"
    label = "people"
