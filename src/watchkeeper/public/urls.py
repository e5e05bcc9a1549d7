from django.urls import path

from watchkeeper.public import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:school_id>/request/", views.request_form, name="request"),
    path("<int:school_id>/complaint/", views.complaint_form, name="complaint"),
    path("complaints/<int:pk>/", views.complaint_record, name="complaint_record"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
