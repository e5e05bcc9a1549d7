"""Recording pages arrive with the viewing and health work (design/recording.md)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "recording"
urlpatterns: list[URLPattern] = []
