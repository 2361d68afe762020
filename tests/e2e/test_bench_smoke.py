"""CI's run of the benchmark: its smoke mode must print every figure and keep calls minimal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "Overhead",
    "Pure CPU per request",
    "Cold start",
    "Slowest imports",
    "Memory",
    "Change events",
)


def test_bench_smoke_keeps_every_operation_at_its_minimum_calls() -> None:
    # Ratios are printed, not asserted: times on a shared machine are noise. The
    # benchmark exits 1 when any operation makes more DynamoDB calls than its minimum,
    # or when the storage-call estimate of its answer (extensions.cost) is below the
    # calls it made, or not equal to them for a read.
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ABOVE MINIMUM" not in result.stdout
    assert "ESTIMATE OFF" not in result.stderr
    assert all(figure in result.stdout for figure in FIGURES), result.stdout
