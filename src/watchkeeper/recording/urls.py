"""Recording pages: camera health and storage, evidential holds (design/recording.md, design/health.md)."""

from __future__ import annotations

from django.urls import path

from watchkeeper.recording import erasure_views, upload_views, views

app_name = "recording"
urlpatterns = [
    path("health/", views.health_list, name="health_list"),
    path("holds/", views.hold_list, name="hold_list"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/review/", views.holds_review_together, name="holds_review_together"),
    path("holds/<int:pk>/", views.hold_detail, name="hold_detail"),
    path("holds/<int:pk>/review/", views.hold_review, name="hold_review"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    # 5.2, issue 16 §3: minibus DVR files uploaded in sealed pieces.
    path("dvr/", upload_views.dvr_upload_page, name="dvr_upload"),
    path("dvr/begin/", upload_views.dvr_upload_begin, name="dvr_upload_begin"),
    path("dvr/<uuid:pk>/piece/<int:index>/", upload_views.dvr_upload_piece, name="dvr_upload_piece"),
    path("dvr/<uuid:pk>/finish/", upload_views.dvr_upload_finish, name="dvr_upload_finish"),
    path("dvr/<uuid:pk>/status/", upload_views.dvr_upload_status, name="dvr_upload_status"),
    # 13.1: erasure before disposal.
    path("erasures/", erasure_views.erasure_list, name="erasure_list"),
    path("erasures/camera/<int:pk>/", erasure_views.camera_erase, name="camera_erase"),
    path("erasures/<int:pk>/", erasure_views.erasure_detail, name="erasure_detail"),
    path("erasures/<int:pk>/pdf/", erasure_views.erasure_pdf, name="erasure_pdf"),
]
