from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "watchkeeper.recording"
    label = "recording"
