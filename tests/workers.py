"""Child processes that call the handler at the same moment, like separate Lambdas."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

Request = tuple[str, dict[str, Any]]


def _run(endpoint_url: str, start: Any, requests: list[Request]) -> list[dict[str, Any]]:
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    from models import base
    from tests.client import ApiClient  # imported here: reads the endpoint above

    # These tests are about who wins races, not how fast: on a shared two-core machine
    # four processes and DynamoDB Local can take longer than the 4 s a Lambda request
    # gets, and a refusal for time would hide what the test checks.
    base.REQUEST_BUDGET_SECONDS = 60
    client = ApiClient("http-v2")
    # Warm up imports and DynamoDB connections, then wait for every other process.
    client.admin('{ product(id: "warm-up") { id } category(id: "warm-up") { id } }')
    start.wait(timeout=120)
    return [client.admin(query, variables).body for query, variables in requests]


def run_concurrently(endpoint_url: str, batches: list[list[Request]]) -> list[list[dict[str, Any]]]:
    """Run each batch of requests in its own process, all starting together.

    Returns the response bodies, one list per batch, in request order.
    """
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(len(batches)) as pool:
        start = manager.Barrier(len(batches))
        results = [pool.apply_async(_run, (endpoint_url, start, batch)) for batch in batches]
        return [result.get(timeout=300) for result in results]


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]
