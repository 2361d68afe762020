"""Writes moto.json and dynamodb_local.json here: real stream records of real writes.

Each file maps a scenario to the Lambda event of the records its writes made, read from
that backend's stream after writing through `handler.handler`. The unit tests of
events/ read them. Rerun after a change of the models or the write paths:

    .venv/bin/python tests/events/streams/capture.py
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
)

from cli.dynamodb_local import LocalDynamoDB  # noqa: E402
from cli.migrate import migrate  # noqa: E402
from cli.streams import StreamReader  # noqa: E402
from cli.tables import create_tables  # noqa: E402
from models import Product  # noqa: E402
from settings import Settings  # noqa: E402
from tests.catalog import (  # noqa: E402
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    RESTORE_CATEGORY,
    RESTORE_PRODUCT,
    UPSERT_CATEGORY,
    UPSERT_PRODUCT,
    create_category,
    create_product,
)
from tests.client import ApiClient  # noqa: E402
from tests.functional.conftest import use_endpoint  # noqa: E402


def scenarios(api: ApiClient) -> list[tuple[str, Callable[[], Any]]]:
    """The writes, in order, each named for the events it should give."""
    ids: dict[str, str] = {}

    def category() -> None:
        ids["category"] = create_category(api, "Shoes")["id"]

    def product() -> None:
        made = create_product(api, stock=3, categoryId=ids["category"], description="Light.")
        ids["product"] = made["id"]

    def product_update(**changes: Any) -> Callable[[], Any]:
        return lambda: api.ok(UPSERT_PRODUCT, {"input": {"id": ids["product"], **changes}})

    def keys_rederived() -> None:
        Product(ids["product"]).update(actions=[Product.shelf.remove()])
        migrate(rate=1000)

    return [
        ("category_created", category),
        ("product_created_in_category", product),
        ("product_price_and_stock_updated", product_update(price="19.99", stock=0)),
        ("product_description_cleared", product_update(description=None)),
        ("product_moved_out_of_category", product_update(categoryId=None)),
        (
            "product_moved_into_category",
            lambda: product_update(categoryId=ids["category"])(),
        ),
        ("product_keys_rederived", keys_rederived),
        ("product_deleted", lambda: api.ok(DELETE_PRODUCT, {"id": ids["product"]})),
        ("product_restored", lambda: api.ok(RESTORE_PRODUCT, {"id": ids["product"]})),
        ("product_purged", lambda: api.ok(DELETE_PRODUCT, {"id": ids["product"], "hard": True})),
        (
            "category_updated",
            lambda: api.ok(UPSERT_CATEGORY, {"input": {"id": ids["category"], "name": "Boots"}}),
        ),
        ("category_deleted", lambda: api.ok(DELETE_CATEGORY, {"id": ids["category"]})),
        ("category_restored", lambda: api.ok(RESTORE_CATEGORY, {"id": ids["category"]})),
        (
            "category_purged",
            lambda: api.ok(DELETE_CATEGORY, {"id": ids["category"], "hard": True}),
        ),
    ]


def capture(server: LocalDynamoDB) -> dict[str, Any]:
    use_endpoint(server.endpoint_url)
    create_tables()
    settings = Settings.from_env()
    tables = (settings.products_table, settings.categories_table)
    reader = StreamReader(server.endpoint_url, tables, "us-east-1")
    api = ApiClient("http-v2")
    captured: dict[str, Any] = {}
    for name, write in scenarios(api):
        write()
        captured[name] = {"Records": reader.read()}
    return captured


def main() -> None:
    for kind, start in (
        ("moto", LocalDynamoDB.start_moto),
        ("dynamodb_local", LocalDynamoDB.start_dynamodb_local),
    ):
        with start() as server:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint_url
            captured = capture(server)
        (HERE / f"{kind}.json").write_text(json.dumps(captured, indent=1) + "\n")
        print(f"Wrote {kind}.json: {', '.join(captured)}")


if __name__ == "__main__":
    main()
