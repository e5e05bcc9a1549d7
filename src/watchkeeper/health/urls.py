from django.urls import path

from watchkeeper.health import views

app_name = "health"
urlpatterns = [
    path("maintenance/", views.maintenance, name="maintenance"),
    path("maintenance/schedule/", views.schedule_list, name="schedule"),
    path("maintenance/new/", views.check_record, name="check_record"),
    path("cameras/<int:pk>/reference/", views.reference_set, name="reference_set"),
]
