from django.urls import path

from watchkeeper.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.choices, name="choices"),
]
