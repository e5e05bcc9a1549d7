from django.urls import path

from watchkeeper.core import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
