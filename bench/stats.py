"""Medians and spreads of repeated timings."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Median, quartiles and count of `samples`."""
    ordered = sorted(samples)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {"median": statistics.median(ordered), "q1": q1, "q3": q3, "n": len(ordered)}


def ms(value: float) -> float:
    """Seconds to milliseconds, rounded for reading."""
    return round(value * 1000, 3)


def summary_ms(samples: Sequence[float]) -> dict[str, Any]:
    """`summary` of timings in seconds, in milliseconds."""
    return {k: v if k == "n" else ms(v) for k, v in summary(samples).items()}


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> dict[str, Any]:
    """Ratio of medians, with the quartiles of the pairwise ratios as its spread."""
    pairs = [a / b for a, b in zip(numerator, denominator, strict=True)]
    spread = summary(pairs)
    return {
        "ratio": round(statistics.median(numerator) / statistics.median(denominator), 3),
        "q1": round(spread["q1"], 3),
        "q3": round(spread["q3"], 3),
    }
