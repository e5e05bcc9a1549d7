from django.urls import path

from watchkeeper.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.event_csv, name="event_csv"),
    path("head.json", views.head_download, name="head_download"),
]
