"""Overhead ratio and DynamoDB calls per operation: the handler against raw botocore.

Both run in this process against the same DynamoDB Local, interleaved request by
request (alternating which goes first), so drift of the shared machine hits both.
The operations in `floor_for` also run through the stack floor (bench/floor.py) in
the same rotation.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from bench.calls import CallCounter, app_clients
from bench.catalog import context, event, response_data
from bench.floor import stack_floor
from bench.operations import Operation, Workload, counted
from bench.stats import ratio, summary_ms
from web.responses import GZIP_MIN_BYTES, compress


def measure(
    workload: Workload, reps: int, warmup: int, floor_for: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Per operation: handler and baseline medians, their ratio, and call counts."""
    from handler import handler

    app_calls = CallCounter(app_clients())
    raw_calls = CallCounter([workload.client])
    operations = workload.operations()
    handler_times: dict[str, list[float]] = {op.name: [] for op in operations}
    baseline_times: dict[str, list[float]] = {op.name: [] for op in operations}
    calls: dict[str, list[dict[str, int]]] = {op.name: [] for op in operations}
    capacity: dict[str, float] = {}
    baseline_calls: dict[str, dict[str, int]] = {}
    floored = [op for op in operations if op.name in floor_for]
    floor = stack_floor([op.request()[0] for op in floored])
    floor_times: dict[str, list[float]] = {op.name: [] for op in floored}

    def run_handler(op: Operation) -> float:
        query, variables, admin = op.request()
        request = op.event() if op.event else event(query, variables, admin=admin)
        lambda_context = context()
        app_calls.take()
        app_calls.take_capacity()
        start = time.perf_counter()
        result = handler(request, lambda_context)
        elapsed = time.perf_counter() - start
        calls[op.name].append(counted(app_calls.take()))
        capacity[op.name] = max(capacity.get(op.name, 0.0), app_calls.take_capacity())
        if result["statusCode"] != op.status:
            raise RuntimeError(f"{op.name}: the handler answered {result['statusCode']}")
        op.answered(response_data(result, op.status))
        return elapsed

    def run_baseline(op: Operation) -> float:
        op.prepare()
        raw_calls.take()
        start = time.perf_counter()
        answer = op.baseline().encode()
        # The recorded events accept gzip, and API Gateway does not compress: a
        # hand-written handler would gzip a large answer too (web/responses.py).
        if len(answer) > GZIP_MIN_BYTES:
            base64.b64encode(compress(answer))
        elapsed = time.perf_counter() - start
        baseline_calls[op.name] = counted(raw_calls.take())
        return elapsed

    def run_floor(op: Operation) -> float:
        query, variables, _ = op.request()
        request, lambda_context = event(query, variables), context()
        start = time.perf_counter()
        result = floor(request, lambda_context)
        elapsed = time.perf_counter() - start
        if response_data(result) != answers[op.name]:
            raise RuntimeError(f"{op.name}: the stack floor answered other data")
        return elapsed

    answers: dict[str, Any] = {}
    for op in floored:
        query, variables, admin = op.request()
        answers[op.name] = response_data(handler(event(query, variables, admin=admin), context()))

    for rep in range(warmup + reps):
        for op in operations:
            runs = [run_handler, run_baseline] + ([run_floor] if op.name in floor_times else [])
            turn = rep % len(runs)
            times = {run: run(op) for run in runs[turn:] + runs[:turn]}
            if rep >= warmup:
                handler_times[op.name].append(times[run_handler])
                baseline_times[op.name].append(times[run_baseline])
                if run_floor in times:
                    floor_times[op.name].append(times[run_floor])

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
                # DynamoDB's ConsumedCapacity (read or write units) of the handler's calls.
                "capacity_units": capacity[op.name],
            }
        )
        if op.name in floor_times:
            rows[-1]["stack_floor_ms"] = summary_ms(floor_times[op.name])
            rows[-1]["stack_floor"] = ratio(floor_times[op.name], baseline_times[op.name])
    return rows
