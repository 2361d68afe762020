"""Overhead ratio and DynamoDB calls per operation: the handler against raw botocore.

Both run in this process against the same DynamoDB Local, interleaved request by
request (alternating which goes first), so drift of the shared machine hits both.
The operations in `floor_for` also run through the stack floor (bench/floor.py) in
the same rotation.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from bench.catalog import context, event, response_body, response_data
from bench.floor import stack_floor
from bench.operations import Operation, Workload, counted
from bench.stats import ratio, summary_ms
from store.recording import CallLog
from web.responses import GZIP_MIN_BYTES, compress


class _Run:
    """One interleaved run: each operation through the handler, its raw botocore
    baseline and (for some) the stack floor, with the times and calls of each."""

    def __init__(self, workload: Workload, floor_for: tuple[str, ...]) -> None:
        self.handler = workload.handler
        self.app_calls = CallLog()
        self.raw_calls = CallLog([workload.client])
        self.operations = workload.operations()
        names = [op.name for op in self.operations]
        self.handler_times: dict[str, list[float]] = {name: [] for name in names}
        self.baseline_times: dict[str, list[float]] = {name: [] for name in names}
        self.calls: dict[str, list[dict[str, int]]] = {name: [] for name in names}
        self.capacity: dict[str, float] = {}
        self.baseline_calls: dict[str, dict[str, int]] = {}
        # The answer's `extensions.cost`: the storage calls the limits estimated, and made.
        self.costs: dict[str, dict[str, int]] = {}
        # What the handler answered, which the baseline and the floor must answer too.
        self.answers: dict[str, Any] = {}
        self.just_answered: str | None = None
        # Whether each operation is a query (its data the same on every run).
        self.reads: dict[str, bool] = {}
        floored = [op for op in self.operations if op.name in floor_for]
        self.floor = stack_floor([op.request()[0] for op in floored])
        self.floor_times: dict[str, list[float]] = {op.name: [] for op in floored}

    def handler_run(self, op: Operation) -> float:
        query, variables, admin = op.request()
        self.reads[op.name] = not query.lstrip().startswith("mutation")
        request = op.event() if op.event else event(query, variables, admin=admin)
        lambda_context = context()
        self.app_calls.take()
        self.app_calls.take_capacity()
        start = time.perf_counter()
        result = self.handler(request, lambda_context)
        elapsed = time.perf_counter() - start
        self.calls[op.name].append(counted(self.app_calls.take()))
        self.capacity[op.name] = max(
            self.capacity.get(op.name, 0.0), self.app_calls.take_capacity()
        )
        if result["statusCode"] != op.status:
            raise RuntimeError(f"{op.name}: the handler answered {result['statusCode']}")
        data = response_data(result, op.status)
        op.answered(data)
        body = response_body(result)
        if body is not None:
            self.costs[op.name] = body["extensions"]["cost"]
            self.answers[op.name] = data
        self.just_answered = op.name
        return elapsed

    def baseline_run(self, op: Operation) -> float:
        checked = self.just_answered == op.name
        op.prepare()
        self.raw_calls.take()
        start = time.perf_counter()
        answer = op.baseline().encode()
        # The recorded events accept gzip, and API Gateway does not compress: a
        # hand-written handler would gzip a large answer too (web/responses.py).
        if len(answer) > GZIP_MIN_BYTES:
            base64.b64encode(compress(answer))
        elapsed = time.perf_counter() - start
        self.baseline_calls[op.name] = counted(self.raw_calls.take())
        if checked:
            self._check_baseline(op, answer)
        self.just_answered = None
        return elapsed

    def _check_baseline(self, op: Operation, answer: bytes) -> None:
        """A read's baseline must answer what the handler answered just before it (no
        other operation ran between them to change the data)."""
        answered = self.answers.get(op.name)
        if not self.reads[op.name] or answered is None:
            return
        if json.loads(answer)["data"] != answered:
            raise RuntimeError(f"{op.name}: the raw botocore baseline answered other data")

    def floor_run(self, op: Operation) -> float:
        query, variables, _ = op.request()
        request, lambda_context = event(query, variables), context()
        start = time.perf_counter()
        result = self.floor(request, lambda_context)
        elapsed = time.perf_counter() - start
        if response_data(result) != self.answers[op.name]:
            raise RuntimeError(f"{op.name}: the stack floor answered other data")
        return elapsed

    def row(self, op: Operation) -> dict[str, Any]:
        seen = self.calls[op.name]
        worst = max(seen, key=lambda c: sum(c.values()))
        row: dict[str, Any] = {
            "operation": op.name,
            "handler_ms": summary_ms(self.handler_times[op.name]),
            "baseline_ms": summary_ms(self.baseline_times[op.name]),
            "overhead": ratio(self.handler_times[op.name], self.baseline_times[op.name]),
            "calls": worst,
            "calls_total": sum(worst.values()),
            "calls_always_same": all(c == seen[0] for c in seen),
            "minimum": op.minimum,
            "minimum_total": sum(op.minimum.values()),
            "minimum_why": op.why,
            "baseline_calls": self.baseline_calls[op.name],
            # DynamoDB's ConsumedCapacity (read or write units) of the handler's calls.
            "capacity_units": self.capacity[op.name],
        }
        if op.name in self.floor_times:
            row["stack_floor_ms"] = summary_ms(self.floor_times[op.name])
            row["stack_floor"] = ratio(self.floor_times[op.name], self.baseline_times[op.name])
        if op.name in self.costs:
            row["estimated_calls"] = self.costs[op.name]["estimatedStorageCalls"]
            row["actual_calls"] = self.costs[op.name]["actualStorageCalls"]
            row["read"] = self.reads[op.name]
            row["estimate_slack"] = op.estimate_slack
        return row


def measure(
    workload: Workload, reps: int, warmup: int, floor_for: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Per operation: handler and baseline medians, their ratio, and call counts."""
    run = _Run(workload, floor_for)
    for op in run.operations:
        if op.name in run.floor_times:
            query, variables, admin = op.request()
            result = run.handler(event(query, variables, admin=admin), context())
            run.answers[op.name] = response_data(result)
    for rep in range(warmup + reps):
        for op in run.operations:
            runs = [run.handler_run, run.baseline_run]
            if op.name in run.floor_times:
                runs.append(run.floor_run)
            turn = rep % len(runs)
            times = {fn.__name__: fn(op) for fn in runs[turn:] + runs[:turn]}
            if rep >= warmup:
                run.handler_times[op.name].append(times["handler_run"])
                run.baseline_times[op.name].append(times["baseline_run"])
                if "floor_run" in times:
                    run.floor_times[op.name].append(times["floor_run"])
    return [run.row(op) for op in run.operations]
