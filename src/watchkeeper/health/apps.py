from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "watchkeeper.health"
    label = "health"
    verbose_name = "Camera health and maintenance"
