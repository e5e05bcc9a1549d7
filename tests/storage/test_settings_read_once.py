"""Settings are read once (issue 12 §5): every WATCHKEEPER_* variable is read in settings.py through env.py,
and the apps read Django's settings, which tests can change. A walk of src/ finds any other reading of the
environment, function-level ones included."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"
READERS = {"env_str", "env_int", "env_bool", "env_list", "env_path", "getenv"}
# Where reading the environment is the point: the settings themselves and their typed helpers.
ALLOWED = {"settings.py", "env.py"}


def _reads(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            on_environ = isinstance(func, ast.Attribute) and ast.unparse(func.value).endswith("environ")
            if name in READERS or (on_environ and name == "get"):
                found.append(node.lineno)
        elif _loads_environ(node):
            found.append(node.lineno)
    return found


def _loads_environ(node: ast.AST) -> bool:
    """`os.environ[...]` read (not written)."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Load)
        and ast.unparse(node.value).endswith("os.environ")
    )


def environment_reads(src: Path) -> list[str]:
    return [
        f"{path.relative_to(src)}:{line}"
        for path in sorted(src.rglob("*.py"))
        if str(path.relative_to(src)) not in ALLOWED and "migrations" not in path.parts
        for line in _reads(ast.parse(path.read_text(), str(path)))
    ]


def test_only_settings_reads_the_environment() -> None:
    assert environment_reads(SRC) == []


def test_the_walk_finds_reads_however_written() -> None:
    code = "import os\nfrom watchkeeper.env import env_int\ndef f():\n    a = os.environ.get('X')\n"
    code += "    b = os.environ['Y']\n    c = env_int('Z', 1)\n    d = os.getenv('W')\n"
    code += "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 's')\n    e = {**os.environ}\n"
    assert _reads(ast.parse(code)) == [4, 5, 6, 7]


def test_the_simulator_and_the_clause_index_take_their_settings_from_django(settings, tmp_path) -> None:
    from watchkeeper.recording.simulator import start_simulator
    from watchkeeper.site import clauses_index

    settings.WATCHKEEPER_SIMULATOR_PYTHON = sys.executable
    process = start_simulator(
        tmp_path / "none.mp4", 1, 1, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    assert process.args[0] == sys.executable
    process.wait(timeout=30)
    shared = tmp_path / "shared"
    (shared / clauses_index.POLICY).parent.mkdir(parents=True, exist_ok=True)
    (shared / clauses_index.POLICY).write_text("policy")
    (shared / clauses_index.REQUIREMENTS).parent.mkdir(parents=True, exist_ok=True)
    (shared / clauses_index.REQUIREMENTS).write_text("requirements")
    settings.WATCHKEEPER_SHARED_DIR = str(shared)
    assert clauses_index.shared_dir() == shared
