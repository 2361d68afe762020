"""Figures of the bulk catalog (docs/bulk.md): import and export of 10,000 products.

Run with `python -m bench.bulk` (DynamoDB Local in memory, as `make bench` starts it).
In one run, against one DynamoDB Local:

- `catalog import` of a JSON Lines file of 10 categories and 10,000 products, written
  directly to the tables (`run_import`, the code `catalog import` runs, unpaced);
- the same kind of products created one `upsertProduct` call each through the Lambda
  handler, for a sample of 1,000 (the baseline the issue compares with);
- `catalog export` of the 10,000 products to JSON Lines: wall time, and the read units
  DynamoDB reports for its Scans (ReturnConsumedCapacity=TOTAL);
- over HTTP, against `catalog serve --port 0` on the same DynamoDB Local: `catalog import
  --url` of another 10,000 products (`upsertProducts` batches of 100 to the admin route),
  and one `upsertProduct` request per product for a sample of 1,000 (the same baseline,
  as a client without the bulk mutation would send it).

- the ceiling DynamoDB Local puts on any import: TransactWriteItems of 100 conditional
  puts of product-shaped items (to the products table, with its indexes), sent by one
  client and by two at once, in items per second.

Each path writes products with names of their own, so no create waits for a free slug
(a taken one costs the create a look for a suffix). Wall times are of this machine (2
shared cores) and DynamoDB Local: the ratios between the import paths and their
baselines are the figures to compare between runs.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import catalog

PRODUCTS = int(os.environ.get("BULK_PRODUCTS", "10000"))
CATEGORIES = 10
ONE_BY_ONE = int(os.environ.get("BULK_ONE_BY_ONE", "1000"))

UPSERT = """mutation Upsert($input: UpsertProductInput!) {
  upsertProduct(input: $input) { id }
}"""
UPSERT_CATEGORY = """mutation Category($input: UpsertCategoryInput!) {
  upsertCategory(input: $input) { id }
}"""


def _ok(handler: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = catalog.response_data(
        handler(catalog.event(query, variables, admin=True), catalog.context())
    )
    if not isinstance(answer, dict):
        raise RuntimeError(f"no data for {variables}")
    return answer


def _product(number: int, category_id: str, prefix: str) -> dict[str, Any]:
    return {
        "id": f"{prefix}-{number:05d}",
        "name": f"{prefix} product {number:05d}",
        "description": "A product of the bulk figures, with a description of ordinary length.",
        "price": f"{10 + number % 90}.99",
        "currency": "USD",
        "stock": number % 7,
        "categoryId": category_id,
    }


# `catalog serve`'s announcement of where it listens.
ANNOUNCED = re.compile(r"at (http://\S+)/graphql \(public\)")
START_SECONDS = 120


@contextmanager
def local_server() -> Iterator[str]:
    """`catalog serve --port 0` on the DynamoDB Local the environment names; its base URL.
    Stopped (SIGTERM) on exit."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", "0"],
            cwd=root,
            env=os.environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while not (match := ANNOUNCED.search(_read(out))):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"catalog serve did not start:\n{_read(out)}")
                time.sleep(0.1)
            yield match.group(1)
        finally:
            process.terminate()
            process.wait(30)


def _read(out: Any) -> str:
    out.seek(0)
    return str(out.read())


def _post(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = json.load(answer)
    if body.get("errors") or not body.get("data"):
        raise RuntimeError(f"{url} answered {body}")
    return body["data"]  # type: ignore[no-any-return]


def _timed_import(categories: list[str], prefix: str, **options: Any) -> float:
    """Seconds `catalog import` (`run_import`, unpaced, with `options`) takes to create
    PRODUCTS products of `prefix` from a JSON Lines file; RuntimeError unless it creates
    every one."""
    from cli.bulk_import import run_import

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "catalog.jsonl"
        lines = [
            json.dumps({"type": "product", **_product(n, categories[n % CATEGORIES], prefix)})
            for n in range(PRODUCTS)
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        start = time.perf_counter()
        report = run_import(path, "jsonl", rate=1e9, **options)
        seconds = time.perf_counter() - start
    if report.counts() != f"created {PRODUCTS}, updated 0, unchanged 0, rejected 0":
        raise RuntimeError(f"import of {prefix} products: {report.counts()}")
    return seconds


def _timed_one_by_one(
    categories: list[str], prefix: str, send: Callable[[dict[str, Any]], Any]
) -> float:
    """Seconds ONE_BY_ONE products of `prefix` take to create, one `upsertProduct` each
    (`send` takes the input)."""
    start = time.perf_counter()
    for n in range(ONE_BY_ONE):
        product = _product(n, categories[n % CATEGORIES], prefix)
        product.pop("id")
        send(product)
    return time.perf_counter() - start


def over_http(categories: list[str]) -> dict[str, Any]:
    """The import through `upsertProducts` on the local server, and one `upsertProduct`
    request per product to the same server."""
    with local_server() as base:
        admin = f"{base}/admin/graphql"
        # The local admin route takes any token (cli/gateway.py plays the authorizer).
        imported = _timed_import(categories, "http", url=admin, token="local")
        one_by_one = _timed_one_by_one(
            categories, "single-http", lambda product: _post(admin, UPSERT, {"input": product})
        )
    return {
        "http_import_seconds": round(imported, 2),
        "http_import_per_second": round(PRODUCTS / imported),
        "http_one_by_one_per_second": round(ONE_BY_ONE / one_by_one),
        "http_speedup": round((PRODUCTS / imported) / (ONE_BY_ONE / one_by_one), 1),
    }


CEILING_TRANSACTIONS = 20


def transaction_ceiling(endpoint_url: str, table: str) -> dict[str, Any]:
    """Items per second DynamoDB Local writes in transactions of 100 puts, from one client
    and from two at once: no import that writes each product atomically with its slug's
    claim (two items) can go faster than half of it."""
    import threading

    import botocore.session

    def client() -> Any:
        # Credentials and region come from the environment bench.catalog configured.
        return botocore.session.get_session().create_client(
            "dynamodb", "us-east-1", endpoint_url=endpoint_url
        )

    def send(dynamodb: Any, tag: str, count: int) -> None:
        for batch in range(count):
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": table,
                            "Item": _ceiling_item(f"{tag}-{batch}-{n:03d}", n),
                            "ConditionExpression": "attribute_not_exists(id)",
                        }
                    }
                    for n in range(100)
                ]
            )

    items = CEILING_TRANSACTIONS * 100
    one = client()
    start = time.perf_counter()
    send(one, "ceiling-one", CEILING_TRANSACTIONS)
    alone = time.perf_counter() - start
    clients = [client(), client()]
    threads = [
        threading.Thread(
            target=send, args=(clients[n], f"ceiling-two{n}", CEILING_TRANSACTIONS // 2)
        )
        for n in range(2)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = time.perf_counter() - start
    return {
        "transaction_items_per_second_one_client": round(items / alone),
        "transaction_items_per_second_two_clients": round(items / together),
    }


def _ceiling_item(item_id: str, number: int) -> dict[str, Any]:
    """A product item as the API writes one, with every list index's keys."""
    from models import Product

    moment = datetime.now(UTC)
    model = Product(
        item_id,
        name=f"Ceiling {number:03d}",
        description="A product of the bulk figures, with a description of ordinary length.",
        price=Decimal("12.50"),
        currency="USD",
        stock=number % 7,
        category_id="ceiling",
        created_at=moment,
        updated_at=moment,
        slug=f"ceiling-{item_id}",
        version=1,
    )
    model.set_index_keys()
    return model.serialize()


def measure() -> dict[str, Any]:
    with catalog.dynamodb_local() as server:
        server_url = server.endpoint_url
        catalog.create_tables()
        import compose
        from cli.export import export
        from settings import Settings
        from store.recording import CallLog, model_clients

        settings = Settings.from_env()
        handler = compose.api(settings)
        categories = [
            _ok(handler, UPSERT_CATEGORY, {"input": {"name": f"Category {n}"}})["upsertCategory"][
                "id"
            ]
            for n in range(CATEGORIES)
        ]
        imported = _timed_import(categories, "bulk")
        one_by_one = _timed_one_by_one(
            categories, "single", lambda product: _ok(handler, UPSERT, {"input": product})
        )

        clients = model_clients()
        log = CallLog(clients)
        for client in clients:
            client.meta.events.register(
                "before-parameter-build.dynamodb.Scan",
                lambda params, **_: params.update(ReturnConsumedCapacity="TOTAL"),
            )
        out = io.StringIO()
        start = time.perf_counter()
        exported = export(out, "jsonl")
        export_seconds = time.perf_counter() - start
        log.stop()
        http = over_http(categories)
        ceiling = transaction_ceiling(server_url, settings.products_table)
    return {
        "import_products": PRODUCTS,
        "import_seconds": round(imported, 2),
        "import_per_second": round(PRODUCTS / imported),
        "one_by_one_products": ONE_BY_ONE,
        "one_by_one_per_second": round(ONE_BY_ONE / one_by_one),
        "speedup": round((PRODUCTS / imported) / (ONE_BY_ONE / one_by_one), 1),
        "export_products": exported.products,
        "export_seconds": round(export_seconds, 2),
        "export_scans": log.counts["Scan"],
        "export_read_units": log.capacity_units,
        "export_bytes": len(out.getvalue().encode()),
        **http,
        **ceiling,
    }


def main() -> int:
    figures = measure()
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
