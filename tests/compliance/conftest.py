from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    """Uploaded DPIA documents and sign photos go to a fresh folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT
