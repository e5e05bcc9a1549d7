import os
import subprocess
import sys
from pathlib import Path

WATCHKEEPER = str(Path(sys.executable).parent / "watchkeeper")


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path)}
    env.pop("WATCHKEEPER_DATABASE_URL", None)
    return subprocess.run([WATCHKEEPER, *args], env=env, capture_output=True, text=True, timeout=120)


def test_console_script_runs_django_commands_with_hyphenated_names(tmp_path):
    assert run(tmp_path, "system-check").returncode == 0
    result = run(tmp_path, "demo-code", "nobody")
    assert result.returncode == 1
    assert "run `watchkeeper migrate` first" in result.stderr
    assert run(tmp_path, "migrate", "-v0").returncode == 0
    result = run(tmp_path, "demo-code", "nobody")
    assert result.returncode == 1
    assert "'nobody' is not a user of the demo trust" in result.stderr


def test_fresh_data_dir_gets_sqlite_in_wal_mode(tmp_path):
    assert run(tmp_path, "migrate", "-v0").returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "watchkeeper.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert run(tmp_path, "audit", "verify").stdout.strip() == "audit chain intact: 0 events"


def test_bad_setting_is_a_clear_error(tmp_path):
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path), "WATCHKEEPER_DEBUG": "perhaps"}
    result = subprocess.run(
        [WATCHKEEPER, "audit", "verify"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "configuration error: WATCHKEEPER_DEBUG='perhaps' is not a yes/no value" in result.stderr
