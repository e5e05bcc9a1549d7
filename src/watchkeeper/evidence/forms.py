from __future__ import annotations

from django import forms


class SnapshotForm(forms.Form):
    """What the player posts when paused: the camera, the segment on screen and the offset into it."""

    camera = forms.IntegerField(min_value=1)
    segment = forms.UUIDField()
    offset = forms.FloatField(min_value=0)
