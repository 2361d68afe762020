"""Cold start: a fresh interpreter importing the handler (and serving one request).

The floor is a fresh interpreter importing what any GraphQL-on-DynamoDB Lambda
must: graphql-core, PynamoDB's models and Mangum. For the first request the floor
also creates a botocore DynamoDB client and makes one GetItem, which the handler's
first `product(id)` request cannot avoid either.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.stats import ratio, summary_ms

ROOT = Path(__file__).resolve().parent.parent
IMPORT_HANDLER = "import handler"
IMPORT_FLOOR = "import graphql, pynamodb.models, mangum"
# The floor plus Strawberry, before any code of ours: what the app could not import
# less than. (Strawberry's ASGI view and Starlette are imported only for requests
# that are not JSON POSTs: web/app.py.)
IMPORT_FRAMEWORK = IMPORT_FLOOR + ", strawberry"
# ... and the schema built: Strawberry turning our types into a GraphQL schema, with
# the resolvers and models they import. The handler adds its HTTP and observability
# layers on top.
IMPORT_SCHEMA = IMPORT_FLOOR + ", schema.root"

FIRST_REQUEST = """
import json, sys
import handler
result = handler.handler(json.loads(sys.argv[1]), None)
assert result["statusCode"] == 200 and '"errors"' not in result["body"], result
"""
FIRST_REQUEST_FLOOR = """
import json, sys
import graphql, pynamodb.models, mangum
import botocore.session
table, key = json.loads(sys.argv[2])
client = botocore.session.get_session().create_client("dynamodb")
client.get_item(TableName=table, Key={"id": {"S": key}})
"""


def _wall(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=os.environ, check=True)
    return time.perf_counter() - start


def _interleaved(runs: int, commands: list[tuple[str, ...]]) -> dict[tuple[str, ...], list[float]]:
    """Wall times of each command, run in turn (rotating the order) `runs` times."""
    times: dict[tuple[str, ...], list[float]] = {command: [] for command in commands}
    for command in commands:  # warms the OS's file cache; not counted
        _wall(*command)
    for i in range(runs):
        for command in commands[i % len(commands) :] + commands[: i % len(commands)]:
            times[command].append(_wall(*command))
    return times


def _compare(ours: list[float], floor: list[float]) -> dict[str, Any]:
    return {
        "handler_ms": summary_ms(ours),
        "floor_ms": summary_ms(floor),
        "ratio": ratio(ours, floor),
    }


def import_profile(top: int = 10) -> list[dict[str, Any]]:
    """The modules `import handler` spends most time in, by cumulative import time."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", IMPORT_HANDLER],
        cwd=ROOT,
        env=os.environ,
        check=True,
        capture_output=True,
        text=True,
    )
    rows: list[dict[str, Any]] = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)", line)
        if match:
            self_us, cumulative, indent, module = match.groups()
            rows.append(
                {
                    "module": module,
                    "depth": (len(indent) - 1) // 2,
                    "self_ms": int(self_us) / 1000,
                    "cumulative_ms": int(cumulative) / 1000,
                }
            )
    rows.sort(key=lambda row: -row["cumulative_ms"])
    return rows[:top]


def measure(runs: int, request: dict[str, Any], table: str, key: str) -> dict[str, Any]:
    handler, floor = (IMPORT_HANDLER,), (IMPORT_FLOOR,)
    framework, built = (IMPORT_FRAMEWORK,), (IMPORT_SCHEMA,)
    event = json.dumps(request)
    first, first_floor = (
        (FIRST_REQUEST, event),
        (FIRST_REQUEST_FLOOR, event, json.dumps([table, key])),
    )
    times = _interleaved(runs, [handler, floor, framework, built, first, first_floor])
    return {
        "runs": runs,
        "import": _compare(times[handler], times[floor]),
        "import_and_first_request": _compare(times[first], times[first_floor]),
        # The framework against the floor: the part of the ratio no code of ours causes.
        "framework_import": _compare(times[framework], times[floor]),
        "schema_import": _compare(times[built], times[floor]),
        "handler_over_schema": _compare(times[handler], times[built]),
        "importtime_top": import_profile(),
    }
