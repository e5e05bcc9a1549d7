from django.urls import path

from watchkeeper.misuse import views

app_name = "misuse"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("settings/", views.settings_page, name="settings"),
    path("schools/<int:pk>/hours/", views.hours, name="hours"),
]
