"""`make test` runs the suite in two processes (pytest-xdist, `-n 2 -p tests.parallel`): a 2-core CI machine
waits on ffmpeg, browsers and servers for much of a serial run. Loaded with -p, before pytest-django reads
the settings, so that each worker process gets its own data folder (sealed files, school keys and the
SQLite database are named by primary keys, which the two workers' databases both hand out). Databases are
already separate: pytest-django names each worker's test database after it (test_test_gw0, ...)."""

from __future__ import annotations

import os

if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["WATCHKEEPER_DATA_DIR"] = os.path.join(os.environ.get("WATCHKEEPER_DATA_DIR", "var"), worker)
