import pytest

from watchkeeper.audit.services import AUDIT_KEY_NAME, record, verify
from watchkeeper.core.keyfiles import key_path

pytestmark = pytest.mark.django_db


def test_missing_key_is_named_not_silently_replaced(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    record("test.event")
    path = key_path(AUDIT_KEY_NAME)
    saved = path.read_bytes()
    path.unlink()
    verdict = verify()
    assert not verdict.intact
    assert verdict.problem == f"the audit key file {path} is missing: restore it from backup"
    assert not path.exists()
    path.write_bytes(saved)
    assert verify().intact


def test_damaged_key_file_stops_with_a_clear_error(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    record("test.event")
    key_path(AUDIT_KEY_NAME).write_bytes(b"short")
    with pytest.raises(RuntimeError, match="is damaged: expected 32 bytes, found 5"):
        verify()
