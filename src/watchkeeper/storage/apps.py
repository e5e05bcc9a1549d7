from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "watchkeeper.storage"
    label = "storage"
