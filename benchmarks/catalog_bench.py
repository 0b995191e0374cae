"""How long ``catalog validate`` takes and how much memory it needs, valid and broken.

    python benchmarks/catalog_bench.py            # 1 MB catalogs (seconds)
    python benchmarks/catalog_bench.py --big      # and 50 MB ones (about two minutes)
    python benchmarks/catalog_bench.py --keep DIR # keep the generated files for the next run

Each case validates in a fresh process (``validate_file``, as the command does) and prints
the seconds it took and the peak resident memory of that process; the memory of the process
before validating (Python plus the libraries) is printed once, to subtract.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import compile_package, generate_catalog

BYTES_PER_RESOURCE = 232
"""About what generate_catalog writes per resource, to aim at a file size."""

PROBE = """
import json, resource, sys, time
from pathlib import Path
from studyplan.services.catalog_admin import validate_file

def peak_mb():
    # VmHWM is this program's own high-water mark; ru_maxrss would also count the memory
    # of the benchmark process it was forked from
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

before = peak_mb()
start = time.perf_counter()
issues = validate_file(Path(sys.argv[1]))
seconds = time.perf_counter() - start
peak = peak_mb()
print(json.dumps({"seconds": seconds, "issues": len(issues), "before": before, "peak": peak}))
"""


def measure(path: Path) -> dict[str, float]:
    """Validate ``path`` in a fresh process: seconds, problem count, memory before and peak."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.splitlines()[-1]))


def catalog(folder: Path, megabytes: int) -> Path:
    """A valid generated catalog of about ``megabytes`` MB (made once per folder)."""
    path = folder / f"valid-{megabytes}mb.yaml"
    if not path.exists():
        generate_catalog(path, megabytes * 1_000_000 // BYTES_PER_RESOURCE, 7)
    return path


def _every(
    pattern: str, stride: int, change: Callable[[re.Match[str], int], str]
) -> Callable[[str], tuple[str, int]]:
    def apply(text: str) -> tuple[str, int]:
        count = 0

        def one(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return change(match, count) if count % stride == 0 else match.group(0)

        changed = re.sub(pattern, one, text, flags=re.MULTILINE)
        return changed, count // stride

    return apply


def broken(valid: Path, stride: int) -> tuple[Path, int]:
    """``valid`` with errors injected into every ``stride``-th resource (four kinds)."""
    path = valid.with_name(valid.stem.replace("valid", f"broken-{stride}") + ".yaml")
    edits = [
        _every(r"^(\s*)minutes: (\d+)$", stride, lambda m, _: f"{m[1]}minutes: -{m[2]}"),
        _every(r"^(\s*)kind: video$", stride, lambda m, _: f"{m[1]}kind: vidoe"),
        _every(r"^(\s*)url: https://host", stride * 2, lambda m, _: f"{m[1]}url: https://ho st"),
        _every(r"^(\s*)- id: r-", stride * 4, lambda m, n: f"{m[1]}- id: step-{n}\n{m[1]}  x: "),
    ]
    text, injected = valid.read_text(), 0
    for edit in edits:
        text, count = edit(text)
        injected += count
    path.write_text(text)
    return path, injected


def report(label: str, figures: dict[str, float]) -> None:
    """Print one figure per line."""
    print(f"{label}: problems found {figures['issues']:.0f}")
    print(f"{label}: validate seconds {figures['seconds']:.2f}")
    print(f"{label}: peak memory MB {figures['peak']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the 50 MB catalogs")
    parser.add_argument("--keep", type=Path, help="folder to keep generated catalogs in")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        sizes = [(1, 1), (50, 10)] if args.big else [(1, 1)]
        first = True
        for megabytes, stride in sizes:
            valid = catalog(folder, megabytes)
            figures = measure(valid)
            if first:
                print(f"memory before validating MB {figures['before']:.0f}")
                first = False
            size = valid.stat().st_size / 1e6
            report(f"{size:.0f} MB valid catalog", figures)
            bad, injected = broken(valid, stride)
            report(f"{size:.0f} MB catalog with {injected} injected errors", measure(bad))


if __name__ == "__main__":
    main()
