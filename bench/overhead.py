"""Overhead ratio and DynamoDB calls per operation: the handler against raw botocore.

Both run in this process against the same DynamoDB Local, interleaved request by
request (alternating which goes first), so drift of the shared machine hits both.
"""

from __future__ import annotations

import time
from typing import Any

from bench.calls import CallCounter, app_clients
from bench.catalog import context, event, response_data
from bench.operations import Operation, Workload, counted
from bench.stats import ratio, summary_ms


def measure(workload: Workload, reps: int, warmup: int) -> list[dict[str, Any]]:
    """Per operation: handler and baseline medians, their ratio, and call counts."""
    from handler import handler

    app_calls = CallCounter(app_clients())
    raw_calls = CallCounter([workload.client])
    operations = workload.operations()
    handler_times: dict[str, list[float]] = {op.name: [] for op in operations}
    baseline_times: dict[str, list[float]] = {op.name: [] for op in operations}
    calls: dict[str, list[dict[str, int]]] = {op.name: [] for op in operations}
    baseline_calls: dict[str, dict[str, int]] = {}

    def run_handler(op: Operation) -> float:
        query, variables, admin = op.request()
        request, lambda_context = event(query, variables, admin=admin), context()
        app_calls.take()
        start = time.perf_counter()
        result = handler(request, lambda_context)
        elapsed = time.perf_counter() - start
        calls[op.name].append(counted(app_calls.take()))
        op.answered(response_data(result))
        return elapsed

    def run_baseline(op: Operation) -> float:
        raw_calls.take()
        start = time.perf_counter()
        op.baseline()
        elapsed = time.perf_counter() - start
        baseline_calls[op.name] = counted(raw_calls.take())
        return elapsed

    for rep in range(warmup + reps):
        for op in operations:
            if rep % 2:
                base, handled = run_baseline(op), run_handler(op)
            else:
                handled, base = run_handler(op), run_baseline(op)
            if rep >= warmup:
                handler_times[op.name].append(handled)
                baseline_times[op.name].append(base)

    rows = []
    for op in operations:
        seen = calls[op.name]
        worst = max(seen, key=lambda c: sum(c.values()))
        rows.append(
            {
                "operation": op.name,
                "handler_ms": summary_ms(handler_times[op.name]),
                "baseline_ms": summary_ms(baseline_times[op.name]),
                "overhead": ratio(handler_times[op.name], baseline_times[op.name]),
                "calls": worst,
                "calls_total": sum(worst.values()),
                "calls_always_same": all(c == seen[0] for c in seen),
                "minimum": op.minimum,
                "minimum_total": sum(op.minimum.values()),
                "minimum_why": op.why,
                "baseline_calls": baseline_calls[op.name],
            }
        )
    return rows
