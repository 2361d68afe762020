"""Memory: peak RSS of a fresh process after import and after many mixed requests.

Run as `python -m bench.memory REQUESTS IDS_JSON` by `bench.run`, in its own process
so that nothing the benchmark itself allocated is counted. Each distinct request
of the mix is answered once by DynamoDB Local and recorded; the mix then runs with
DynamoDB answered instantly from those recordings (`InstantDynamoDB`), so that
10,000 requests take seconds, while every layer of the app still runs for each.
Growth is counted from after the first request of each kind (which creates the
botocore clients and fills the parse and validation caches) to after all of them.
A `tracemalloc` pass over further requests cross-checks: memory still allocated
after them, per request, is what a leak would leave behind.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tracemalloc
from typing import Any

from bench.calls import InstantDynamoDB, Recorder
from bench.catalog import context, event, response_data
from bench.operations import (
    CATEGORY_PAGE,
    GET_CATEGORY,
    GET_PRODUCT,
    PRODUCTS_PAGE,
    PRODUCTS_PAGE_WITH_CATEGORIES,
)
from store.recording import model_clients

TRACED_REQUESTS = 1000


def peak_rss_mb() -> float:
    """This process's peak RSS since it started running Python.

    Linux's `ru_maxrss` keeps the parent's peak across fork and exec, so a bench that
    hosts moto's S3 in its own process would be measured here too; `VmHWM` belongs to
    the memory of this program alone.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mix(ids: dict[str, list[str]]) -> list[tuple[str, dict[str, Any]]]:
    products, categories = ids["products"], ids["categories"]
    return [
        *((GET_PRODUCT, {"id": products[i]}) for i in (1, 50, 99, 150)),
        *((GET_CATEGORY, {"id": categories[i]}) for i in (0, 4)),
        (PRODUCTS_PAGE, {"first": 20}),
        (PRODUCTS_PAGE, {"first": 100}),
        (PRODUCTS_PAGE_WITH_CATEGORIES, {"first": 20}),
        (PRODUCTS_PAGE_WITH_CATEGORIES, {"first": 100}),
        (CATEGORY_PAGE, {"id": categories[2]}),
    ]


def main(requests: int, ids: dict[str, list[str]]) -> dict[str, Any]:
    from handler import handler

    after_import = peak_rss_mb()
    documents = mix(ids)
    clients = model_clients()
    recorder = Recorder(clients)
    for query, variables in documents:
        response_data(handler(event(query, variables), context()))
    recorder.stop()
    after_first = peak_rss_mb()
    instant = InstantDynamoDB(clients, recorder.responses)
    events = [event(query, variables) for query, variables in documents]

    def serve(n: int) -> None:
        for i in range(n):
            result = handler(events[i % len(events)], context())
            if result["statusCode"] != 200:
                raise RuntimeError(result)

    serve(requests)
    after_requests = peak_rss_mb()
    tracemalloc.start()
    serve(len(events))  # let first-use caches settle under tracing
    # Executions leave reference cycles that only the cyclic collector frees: collect
    # them, so what remains is what requests really keep.
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    # The smoke mode's few requests are traced, not 1,000: tracing makes each one about
    # ten times slower, and the smoke only checks that every step still runs.
    traced = min(TRACED_REQUESTS, requests)
    serve(traced)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    instant.stop()
    if instant.misses:
        raise RuntimeError(f"{instant.misses} DynamoDB requests had no recorded answer")
    return {
        "requests": requests,
        "dynamodb": "DynamoDB Local for each distinct request once, then recorded answers",
        "peak_rss_after_import_mb": round(after_import, 1),
        "peak_rss_after_first_requests_mb": round(after_first, 1),
        "peak_rss_after_requests_mb": round(after_requests, 1),
        "growth_mb": round(after_requests - after_first, 1),
        "growth_since_import_mb": round(after_requests - after_import, 1),
        "tracemalloc_requests": traced,
        "tracemalloc_retained_bytes_per_request": round((after - before) / traced, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), json.loads(sys.argv[2]))))
