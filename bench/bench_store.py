"""Object store benchmark (issue 12 §5): sealing + put, get and byte-range get of one large object, against
plain file operations on the same bytes, measured in the same run.

    .venv/bin/python bench/bench_store.py --mb 300     # a 300 MB object (a third of a one-hour package)
    .venv/bin/python bench/bench_store.py --mb 50      # a quick run

A source file of incompressible bytes is written once (not timed). Then, each step in a fresh process so
that its peak RSS is its own:

- copy (baseline for put): read the source in 1 MiB chunks, write a temporary file, fsync, rename, fsync
  the directory — the least a durable put can do;
- seal+put: `storage.sealing.put_sealed` of the same chunks into a LocalStore (AES-256-GCM per 1 MiB
  chunk, a fresh key wrapped by the school key, the same durable write);
- read (baseline for get): read the plain copy in 1 MiB chunks;
- get: `storage.sealing.open_object` of the stored object, streamed and counted;
- pread (baseline for ranges): RANGES reads of RANGE_BYTES at random offsets of the plain copy;
- range get: `storage.sealing.open_range` of the same plaintext ranges of the stored object.

Prints wall seconds, MB/s, the ratio to the baseline, and the peak RSS of each process with its growth over
an idle process (Django loaded, nothing read): a streaming step grows by a few MB whatever the object's
size. Reads come from the page cache (the file was just written): the ratios measure our CPU cost, not the
disk's. Never asserts: on a shared machine the figures move; the ratios are the point.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHUNK = 1 << 20
RANGES = 200
RANGE_BYTES = 256 * 1024
OBJECT = "bench/package.wkobj"
OPENING = {"object_id": "bench-package", "key_id": "school-1"}


def setup_django(data_dir: Path) -> None:
    os.environ["WATCHKEEPER_DATA_DIR"] = str(data_dir)
    os.environ.pop("WATCHKEEPER_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def chunks(path: Path):
    with path.open("rb") as reader:
        while block := reader.read(CHUNK):
            yield block


def ranges(size: int) -> list[tuple[int, int]]:
    picker = random.Random(12)
    return [(at, at + RANGE_BYTES) for at in (picker.randrange(0, size - RANGE_BYTES) for _ in range(RANGES))]


def step(name: str, work: Path) -> dict:
    setup_django(work / "data")
    from watchkeeper.storage import sealing
    from watchkeeper.storage.durable import write_durably
    from watchkeeper.storage.store import LocalStore

    store = LocalStore(work / "store")
    source, plain = work / "source", work / "plain" / "copy"
    size = source.stat().st_size
    started = time.perf_counter()
    moved = size
    if name == "copy":
        write_durably(plain, chunks(source))
    elif name == "seal+put":
        sealed = sealing.put_sealed(store, OBJECT, chunks(source), **OPENING)
        (work / "opening.json").write_text(json.dumps({"wrapped": sealed.wrapped_key.hex()}))
    elif name == "read":
        moved = sum(len(block) for block in chunks(plain))
    elif name == "get":
        moved = sum(len(block) for block in sealing.open_object(store, OBJECT, _opening(work)))
    elif name == "pread":
        fd = os.open(plain, os.O_RDONLY)
        moved = sum(len(os.pread(fd, end - start, start)) for start, end in ranges(size))
        os.close(fd)
    elif name == "range get":
        opening = _opening(work)
        moved = sum(
            len(b"".join(sealing.open_range(store, OBJECT, opening, start, end)))
            for start, end in ranges(size)
        )
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "bytes": moved, "rss": rss}


def _opening(work: Path):
    from watchkeeper.storage.sealing import Opening

    wrapped = bytes.fromhex(json.loads((work / "opening.json").read_text())["wrapped"])
    return Opening(OPENING["object_id"], wrapped, OPENING["key_id"])


def run_step(name: str, work: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--work", str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300, help="object size in MB (default 300)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.work)))
        return
    with tempfile.TemporaryDirectory(prefix="wk-bench-store-") as tmp:
        work = Path(tmp)
        with (work / "source").open("wb") as writer:
            for _ in range(args.mb):
                writer.write(os.urandom(CHUNK))
        idle = run_step("idle", work)["rss"]
        results = {
            name: run_step(name, work) for name in ("copy", "seal+put", "read", "get", "pread", "range get")
        }
    print(f"one {args.mb} MiB object; {RANGES} ranges of {RANGE_BYTES // 1024} KiB; idle process peak RSS "
          f"{idle / 2**20:.0f} MB")  # fmt: skip
    print("| step | seconds | MB/s | ratio to baseline | peak RSS MB | growth over idle MB |")
    print("|---|---|---|---|---|---|")
    for name, baseline in (("copy", None), ("seal+put", "copy"), ("read", None), ("get", "read"),
                           ("pread", None), ("range get", "pread")):  # fmt: skip
        result = results[name]
        ratio = f"{result['seconds'] / results[baseline]['seconds']:.2f}×" if baseline else "baseline"
        rate = result["bytes"] / 2**20 / result["seconds"]
        print(
            f"| {name} | {result['seconds']:.2f} | {rate:.0f} | {ratio} "
            f"| {result['rss'] / 2**20:.0f} | {(result['rss'] - idle) / 2**20:.0f} |"
        )


if __name__ == "__main__":
    main()
