from django.urls import path

from watchkeeper.evidence import views

app_name = "evidence"

urlpatterns = [
    path("log/", views.cctv_log, name="cctv_log"),
    path("log.csv", views.cctv_log_csv, name="cctv_log_csv"),
    path("authorisations/<int:pk>/snapshot/", views.snapshot, name="snapshot"),
    path("authorisations/<int:pk>/package/", views.package_create, name="package_create"),
    path("packages/<int:pk>/file/", views.package_file, name="package_file"),
]
