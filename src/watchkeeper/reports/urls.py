from django.urls import path

from watchkeeper.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("annual/", views.annual, name="annual"),
    path("compliance.pdf", views.compliance, name="compliance"),
    path("processing/", views.processing, name="processing"),
]
