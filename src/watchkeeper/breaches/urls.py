from django.urls import path

from watchkeeper.breaches import views

app_name = "breaches"

urlpatterns = [
    path("", views.breach_list, name="list"),
    path("report/", views.report_new, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/aware/", views.step, {"name": "aware"}, name="aware"),
    path("<int:pk>/assess/", views.step, {"name": "assess"}, name="assess"),
    path("<int:pk>/ico/", views.step, {"name": "ico"}, name="ico"),
    path("<int:pk>/ico-phase/", views.step, {"name": "phase"}, name="phase"),
    path("<int:pk>/individuals/", views.step, {"name": "individuals"}, name="individuals"),
    path("<int:pk>/other/", views.step, {"name": "other"}, name="other"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("register.pdf", views.register_pdf, name="register_pdf"),
]
