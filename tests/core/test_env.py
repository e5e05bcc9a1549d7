import stat

import pytest

from watchkeeper.env import SettingError, env_bool, env_int, env_path, secret_key


def test_env_bool_reads_yes_and_no_words(monkeypatch):
    monkeypatch.setenv("WK_FLAG", "Yes")
    assert env_bool("WK_FLAG", False) is True
    monkeypatch.setenv("WK_FLAG", "off")
    assert env_bool("WK_FLAG", True) is False
    monkeypatch.delenv("WK_FLAG")
    assert env_bool("WK_FLAG", True) is True


def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv("WATCHKEEPER_DEBUG", "maybe")
    with pytest.raises(SettingError, match="WATCHKEEPER_DEBUG='maybe' is not a yes/no value"):
        env_bool("WATCHKEEPER_DEBUG", False)


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("WK_N", "ten")
    with pytest.raises(SettingError, match="WK_N='ten' is not a whole number"):
        env_int("WK_N", 1)
    monkeypatch.setenv("WK_N", "12")
    assert env_int("WK_N", 1) == 12


def test_env_path_is_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WK_DIR", raising=False)
    assert env_path("WK_DIR", "./var") == tmp_path / "var"


def test_secret_key_is_generated_once_with_mode_0600(monkeypatch, tmp_path):
    monkeypatch.delenv("WATCHKEEPER_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret-key").stat().st_mode) == 0o600
    assert secret_key(tmp_path) == first


def test_secret_key_from_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("WATCHKEEPER_SECRET_KEY", "given-key")
    assert secret_key(tmp_path) == "given-key"
    assert not (tmp_path / "secret-key").exists()
