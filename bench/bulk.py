"""Figures of the bulk catalog (docs/bulk.md): import and export of 10,000 products.

Run with `python -m bench.bulk` (DynamoDB Local in memory, as `make bench` starts it).
In one run, against one DynamoDB Local:

- `catalog import` of a JSON Lines file of 10 categories and 10,000 products, written
  directly to the tables (`run_import`, the code `catalog import` runs, unpaced);
- the same kind of products created one `upsertProduct` call each through the Lambda
  handler, for a sample of 1,000 (the baseline the issue compares with);
- `catalog export` of the 10,000 products to JSON Lines: wall time, and the read units
  DynamoDB reports for its Scans (ReturnConsumedCapacity=TOTAL).

Wall times are of this machine (2 shared cores) and DynamoDB Local: the ratio between
the two import paths is the figure to compare between runs.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
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
        "name": f"Bulk product {number:05d}",
        "description": "A product of the bulk figures, with a description of ordinary length.",
        "price": f"{10 + number % 90}.99",
        "currency": "USD",
        "stock": number % 7,
        "categoryId": category_id,
    }


def measure() -> dict[str, Any]:
    with catalog.dynamodb_local():
        catalog.create_tables()
        import compose
        from cli.bulk_import import run_import
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
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "catalog.jsonl"
            lines = [
                json.dumps({"type": "product", **_product(n, categories[n % CATEGORIES], "bulk")})
                for n in range(PRODUCTS)
            ]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            start = time.perf_counter()
            report = run_import(path, "jsonl", rate=1e9)
            imported = time.perf_counter() - start
        if report.counts() != f"created {PRODUCTS}, updated 0, unchanged 0, rejected 0":
            raise RuntimeError(f"import: {report.counts()}")

        start = time.perf_counter()
        for n in range(ONE_BY_ONE):
            product = _product(n, categories[n % CATEGORIES], "single")
            product.pop("id")
            _ok(handler, UPSERT, {"input": product})
        one_by_one = time.perf_counter() - start

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
    }


def main() -> int:
    figures = measure()
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
