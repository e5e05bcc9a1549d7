from django.urls import path

from watchkeeper.evidence import views

app_name = "evidence"

urlpatterns = [
    path("log/", views.cctv_log, name="cctv_log"),
    path("log.csv", views.cctv_log_csv, name="cctv_log_csv"),
    path("authorisations/<int:pk>/snapshot/", views.snapshot, name="snapshot"),
]
