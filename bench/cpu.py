"""Pure CPU per request: the handler with DynamoDB answered instantly, against bare graphql-core.

The handler side is everything a warm Lambda runs for a request: Mangum's event
translation, Starlette routing, Strawberry's HTTP view, parsing, validation and
execution, our resolvers, PynamoDB building the request and deserialising the
recorded response, and the JSON response. Only DynamoDB itself (and botocore's
signing, HTTP and response parsing) is left out, by `InstantDynamoDB`.

The bare side is graphql-core alone, as an application with no framework would use
it: `json.loads` of the same request body, `graphql_sync` on the same SDL
(`graphql.build_schema(schema.as_str())`) with default resolvers over plain dicts
holding the very data the handler returned, then `json.dumps` of the result. It
parses and validates every request (graphql-core caches neither).

A third figure is graphql-core's `execute` alone on that schema and data, with the
document parsed and validated beforehand: no HTTP, no JSON, no storage. Every
handler built on graphql-core pays at least this much for the request, however
thin its layers; added to the raw botocore calls it gives the lowest overhead ratio
such a handler can reach (bench/run.py's engine floor).

Times are this thread's CPU time (`time.thread_time`), not wall time: the figure is
the CPU a request costs, and CPU time is not inflated by other processes sharing
the machine.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench.calls import InstantDynamoDB, Recorder
from bench.catalog import context, event, response_data
from bench.operations import (
    CATEGORY_PAGE,
    GET_PRODUCT,
    PRODUCTS_PAGE_WITH_CATEGORIES,
    Workload,
)
from bench.stats import ratio, summary_ms
from store.recording import model_clients


def measure(workload: Workload, reps: int, warmup: int) -> list[dict[str, Any]]:
    import graphql

    from handler import handler
    from schema.root import build_schema
    from settings import Settings

    schema = build_schema(Settings.from_env())

    bare_schema = graphql.build_schema(schema.as_str())
    queries: list[tuple[str, str, dict[str, Any]]] = [
        ("get product", GET_PRODUCT, {"id": workload.products[7]}),
        (
            "products page of 100 + category { name }",
            PRODUCTS_PAGE_WITH_CATEGORIES,
            {"first": 100},
        ),
        ("category page with 20 products", CATEGORY_PAGE, {"id": workload.categories[2]}),
    ]

    clients = model_clients()
    recorder = Recorder(clients)
    expected = {name: response_data(handler(event(q, v), context())) for name, q, v in queries}
    recorder.stop()
    instant = InstantDynamoDB(clients, recorder.responses)
    rows = []
    try:
        for name, query, variables in queries:
            data = expected[name]
            if response_data(handler(event(query, variables), context())) != data:
                raise RuntimeError(f"{name}: the recorded answers changed the response")

            def bare(body: str) -> str:
                request = json.loads(body)
                result = graphql.graphql_sync(
                    bare_schema,
                    request["query"],
                    root_value=data,  # noqa: B023
                    variable_values=request["variables"],
                )
                if result.errors:
                    raise RuntimeError(f"bare graphql-core failed: {result.errors}")
                return json.dumps({"data": result.data})

            document = graphql.parse(query)
            if graphql.validate(bare_schema, document):
                raise RuntimeError(f"{name}: the query does not validate on the bare schema")

            handler_times, bare_times, execute_times = [], [], []
            for rep in range(warmup + reps):
                request, lambda_context = event(query, variables), context()
                body = request["body"]
                start = time.thread_time()
                handler(request, lambda_context)
                middle = time.thread_time()
                bare(body)
                end = time.thread_time()
                graphql.execute(bare_schema, document, root_value=data, variable_values=variables)
                executed = time.thread_time()
                if rep >= warmup:
                    handler_times.append(middle - start)
                    bare_times.append(end - middle)
                    execute_times.append(executed - end)
            rows.append(
                {
                    "operation": name,
                    "handler_ms": summary_ms(handler_times),
                    "bare_graphql_ms": summary_ms(bare_times),
                    "ratio": ratio(handler_times, bare_times),
                    "graphql_core_execute_ms": summary_ms(execute_times),
                }
            )
    finally:
        instant.stop()
    if instant.misses:
        raise RuntimeError(f"{instant.misses} DynamoDB requests had no recorded answer")
    return rows
