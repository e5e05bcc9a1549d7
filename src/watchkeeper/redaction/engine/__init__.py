"""Redaction engine (policy 10.4.1): find faces and whole people in a video, track them, and render a copy
in which everyone except the data subject is distorted. Pure Python + NumPy/OpenCV/PyAV: no Django models,
no database, so the CLI, the review jobs and the benchmark all run the same code."""

from watchkeeper.redaction.engine.pipeline import RenderResult, UnreadableVideo, propose, render
from watchkeeper.redaction.engine.tracks import (
    Box,
    Proposal,
    Track,
    boxes_at,
    proposal_from_json,
    proposal_to_json,
)

__all__ = [
    "Box",
    "Proposal",
    "RenderResult",
    "Track",
    "UnreadableVideo",
    "boxes_at",
    "propose",
    "proposal_from_json",
    "proposal_to_json",
    "render",
]
