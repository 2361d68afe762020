"""`python -m bench.changes`: `handler.publish_changes` over 1,000 stream records.

The records are copies of one captured DynamoDB Local record (a product's price and
stock changed: tests/events/streams/), each its own product and sequence number.
EventBridge answers at once, so the figure is the function's own work: mapping each
record to its public event and batching them. It also counts the PutEvents calls,
which must stay at one per ten events at most; the exit status is 1 when they do not.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench.events import EVENTS
from bench.stats import summary

RECORDS = 1000
CAPTURED = EVENTS / "streams" / "dynamodb_local.json"
SCENARIO = "product_price_and_stock_updated"
EVENTS_PER_CALL = 10


def stream_records(count: int) -> list[dict[str, Any]]:
    """`count` product updates as Lambda delivers them, each a distinct product."""
    (template,) = json.loads(CAPTURED.read_text())[SCENARIO]["Records"]
    records = []
    for number in range(count):
        record = copy.deepcopy(template)
        product_id = f"bench-{number:05d}"
        images = record["dynamodb"]
        for image in (images["Keys"], images["OldImage"], images["NewImage"]):
            image["id"] = {"S": product_id}
        images["NewImage"]["price"] = {"N": f"{10 + number % 90}.99"}
        images["SequenceNumber"] = f"{number + 1:021d}"
        record["eventID"] = f"bench-event-{number:05d}"
        records.append(record)
    return records


@dataclass
class CountingEventBridge:
    """PutEvents that accepts every entry at once, counting calls and entries."""

    calls: int = 0
    entries: int = 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls += 1
        self.entries += len(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e"} for _ in Entries]}


def measure(reps: int, count: int = RECORDS) -> dict[str, Any]:
    """Events per second of `reps` runs over `count` records, and the calls they made."""
    from events.publisher import Publisher
    from settings import Settings

    batch = {"Records": stream_records(count)}
    rates: list[float] = []
    bridge = CountingEventBridge()
    # handler.publish_changes as compose.publisher builds it, with a counting EventBridge.
    publisher = Publisher(Settings.from_env(), client=lambda _region: bridge)
    for _ in range(reps):
        bridge.calls = bridge.entries = 0
        started = time.perf_counter()
        result = publisher(batch)
        elapsed = time.perf_counter() - started
        if result["batchItemFailures"]:
            raise RuntimeError(f"records not published: {result['batchItemFailures']}")
        rates.append(bridge.entries / elapsed)
    rate = summary(rates)
    return {
        "records": count,
        "events": bridge.entries,
        "put_events_calls": bridge.calls,
        "max_calls": math.ceil(bridge.entries / EVENTS_PER_CALL),
        "events_per_second": {k: v if k == "n" else round(v) for k, v in rate.items()},
    }


def within_calls(figures: dict[str, Any]) -> bool:
    return bool(figures["put_events_calls"] <= figures["max_calls"])


def table(figures: dict[str, Any]) -> str:
    rate = figures["events_per_second"]
    mark = "" if within_calls(figures) else " ABOVE ONE PER TEN"
    return "\n".join(
        [
            f"Change events (`handler.publish_changes`, {figures['records']:,} stream records, "
            "EventBridge answering at once)",
            "",
            "| events | events/s median [q1-q3] | PutEvents calls | at most |",
            "|---|---|---|---|",
            f"| {figures['events']:,} | {rate['median']:,} [{rate['q1']:,}-{rate['q3']:,}] "
            f"| {figures['put_events_calls']}{mark} | {figures['max_calls']} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.changes", description=__doc__)
    parser.add_argument("--reps", type=int, default=20, help="runs over the records")
    args = parser.parse_args(argv)
    figures = measure(args.reps)
    print(table(figures))
    return 0 if within_calls(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
