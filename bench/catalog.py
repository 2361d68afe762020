"""The benchmark's catalog: DynamoDB Local, tables, seed data and handler events.

`configure()` must run before the settings are read (`import handler` reads them):
it points the environment at the bench's DynamoDB Local.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bench.events import LambdaContext, load_event
from cli.dynamodb_local import LocalDynamoDB
from cli.local_s3 import BUCKET, LocalS3, base_url

if TYPE_CHECKING:
    from search.service import SearchService
    from settings import Settings

CATEGORIES = 5
# The first categories each under the one before: 0 > 1 > 2.
TREE_DEPTH = 3
PRODUCTS = 200


def configure(endpoint_url: str) -> None:
    """Fake credentials and region, and the endpoint the app and baseline share."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_SESSION_TOKEN="bench",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL_DYNAMODB=endpoint_url,
    )
    os.environ.pop("AWS_PROFILE", None)


@contextmanager
def dynamodb_local() -> Iterator[LocalDynamoDB]:
    """DynamoDB Local in memory, with the app pointed at it, stopped on exit."""
    with LocalDynamoDB.start_dynamodb_local() as server:
        configure(server.endpoint_url)
        yield server


@contextmanager
def images_bucket() -> Iterator[LocalS3]:
    """moto's S3 in this process with the images bucket, and the app's settings naming it."""
    local = LocalS3.start()
    os.environ.update(
        AWS_ENDPOINT_URL_S3=local.endpoint_url,
        CATALOG_IMAGES_BUCKET=BUCKET,
        CATALOG_IMAGES_BASE_URL=base_url(local.endpoint_url),
    )
    try:
        yield local
    finally:
        local.stop()


def bind_store() -> None:
    """The store pointed at the tables the environment names, as the handler's is."""
    import compose
    from settings import Settings

    compose.bind_store(Settings.from_env())


def create_tables() -> None:
    from cli.tables import create_tables

    bind_store()
    create_tables()


def seed() -> dict[str, list[str]]:
    """Categories and products made through the resolvers; their ids in name order."""
    from decimal import Decimal

    from resolvers.categories import upsert_category
    from resolvers.products import upsert_product

    # Categories 0 > 1 > 2 make a three-level tree (breadcrumbs); the others are roots.
    categories: list[str] = []
    for i in range(CATEGORIES):
        parent = {"parent_id": categories[i - 1]} if 0 < i < TREE_DEPTH else {}
        fields = {"name": f"Category {i}", "description": "Seeded.", **parent}
        categories.append(upsert_category(None, fields, None).id)
    products = [
        upsert_product(
            None,
            {
                "name": f"Product {i:03}",
                "description": "A seeded product with a short description.",
                "price": Decimal(f"{10 + i}.99"),
                "stock": i,
                "image_url": f"https://img.example.com/{i}.jpg",
                "category_id": categories[i % CATEGORIES],
            },
            None,
        ).id
        for i in range(PRODUCTS)
    ]
    return {"categories": categories, "products": products}


def frozen_search(settings: Settings) -> SearchService:
    """The index the bench's handler searches: built from the tables' streams now, then no
    longer followed, since the follower's thread must not run beside the timed requests."""
    from search.service import SearchService

    search = SearchService(settings)
    search.freeze()
    return search


def event(query: str, variables: dict[str, Any], *, admin: bool = False) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event, as recorded in tests/events/."""
    built = load_event("http-v2", admin_route=admin)
    built["body"] = json.dumps({"query": query, "variables": variables})
    return built


def get_event(
    query: str | None,
    variables: dict[str, Any],
    *,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The same event as a GET, as urql and Apollo send queries: parameters in the URL."""
    built = load_event("http-v2")
    params = {"variables": json.dumps(variables)}
    if query is not None:
        params["query"] = query
    if extensions is not None:
        params["extensions"] = json.dumps(extensions)
    built["requestContext"]["http"]["method"] = "GET"
    built["rawQueryString"] = urlencode(params)
    built["body"] = ""
    del built["headers"]["content-type"]
    built["headers"].update(headers or {})
    return built


def context() -> LambdaContext:
    return LambdaContext()


def response_body(result: dict[str, Any]) -> Any:
    """The JSON body of a handler result, decoded and unzipped; None for a 304."""
    if result["statusCode"] == 304:
        return None
    content = result["body"]
    if result.get("isBase64Encoded"):
        content = base64.b64decode(content)
        if (result.get("headers") or {}).get("content-encoding") == "gzip":
            content = gzip.decompress(content)
    return json.loads(content)


def response_data(result: dict[str, Any], status: int = 200) -> Any:
    """The `data` of a handler result, failing loudly on any error; None for a 304."""
    if status == 304 and result["statusCode"] == 304:
        return None
    body = response_body(result)
    if result["statusCode"] != 200 or body.get("errors"):
        raise RuntimeError(f"the handler answered {result['statusCode']}: {body}")
    return body["data"]
