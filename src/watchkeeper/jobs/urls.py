from django.urls import path

from watchkeeper.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("table/", views.job_table, name="job_table"),
]
