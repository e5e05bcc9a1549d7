from django.urls import path

from watchkeeper.reviews import views

app_name = "reviews"
urlpatterns = [
    path("policy/", views.policy_list, name="policy_list"),
    path("policy/new/", views.policy_upload, name="policy_upload"),
    path("policy/<int:pk>/approve/", views.policy_approve, name="policy_approve"),
    path("policy/<int:pk>/document/", views.policy_document, name="policy_document"),
    path("policy/review-trigger/", views.trigger_record, name="trigger_record"),
    path("policy/acknowledge/", views.acknowledge, name="acknowledge"),
    path("cameras/", views.camera_reviews, name="camera_reviews"),
    path("cameras/<int:pk>/", views.camera_review_record, name="camera_review_record"),
]
