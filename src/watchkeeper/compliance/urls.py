from django.urls import path

from watchkeeper.compliance import trust_views, views

app_name = "compliance"
urlpatterns = [
    path("dpias/", views.dpia_list, name="dpia_list"),
    path("dpias/new/", views.dpia_create, name="dpia_create"),
    path("dpias/<int:pk>/", views.dpia_detail, name="dpia_detail"),
    path("dpias/<int:pk>/cameras/", views.dpia_cameras, name="dpia_cameras"),
    path("dpias/<int:pk>/sharing/", views.dpia_sharing, name="dpia_sharing"),
    path("dpias/<int:pk>/approve/", views.dpia_approve, name="dpia_approve"),
    path("dpias/<int:pk>/supersede/", views.dpia_supersede, name="dpia_supersede"),
    path("dpias/<int:pk>/documents/", views.dpia_document_upload, name="dpia_document_upload"),
    path("documents/<int:pk>/", views.dpia_document_download, name="dpia_document_download"),
    path("signs/", views.sign_list, name="sign_list"),
    path("signs/new/", views.sign_register, name="sign_register"),
    path("signs/<int:pk>/check/", views.sign_check, name="sign_check"),
    path("signs/<int:pk>/photo/", views.sign_photo, name="sign_photo"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("settings/", trust_views.settings_page, name="settings"),
    path("settings/policy-document/", trust_views.policy_document, name="policy_document"),
    path("schools/<int:pk>/", trust_views.school_page, name="school"),
    path("schools/<int:pk>/privacy-notice/", trust_views.privacy_notice_edit, name="privacy_notice"),
    path(
        "schools/<int:pk>/privacy-notice/document/",
        trust_views.privacy_notice_document,
        name="privacy_notice_document",
    ),
]
