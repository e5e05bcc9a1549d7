from django.urls import path

from watchkeeper.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/outcome-letter.pdf", views.outcome_letter, name="letter"),
    path("<int:pk>/<slug:action>/", views.complaint_action, name="action"),
]
