from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "watchkeeper.subjectaccess"
    label = "subjectaccess"
