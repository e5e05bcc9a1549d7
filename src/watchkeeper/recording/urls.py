"""Recording pages: camera health and storage, evidential holds (design/recording.md, design/health.md)."""

from __future__ import annotations

from django.urls import path

from watchkeeper.recording import erasure_views, views

app_name = "recording"
urlpatterns = [
    path("health/", views.health_list, name="health_list"),
    path("holds/", views.hold_list, name="hold_list"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/review/", views.holds_review_together, name="holds_review_together"),
    path("holds/<int:pk>/", views.hold_detail, name="hold_detail"),
    path("holds/<int:pk>/review/", views.hold_review, name="hold_review"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    # 13.1: erasure before disposal.
    path("erasures/", erasure_views.erasure_list, name="erasure_list"),
    path("erasures/camera/<int:pk>/", erasure_views.camera_erase, name="camera_erase"),
    path("erasures/<int:pk>/", erasure_views.erasure_detail, name="erasure_detail"),
    path("erasures/<int:pk>/pdf/", erasure_views.erasure_pdf, name="erasure_pdf"),
]
