"""`catalog export`: the catalog to a JSON Lines or CSV file, read page by page.

Reads the tables through the models with paginated Scans (not through GraphQL, whose
pages cost a request each), categories first (by level, then id: parents before their
children), then products.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TypeVar

from cli.bulk_files import CSV_HEADER, JSONL, category_line, csv_row, level_of, product_line
from models import Category, Product
from models.base import CLAIM_PREFIX

# Items per Scan page: DynamoDB answers at most 1 MB a page whatever this asks.
PAGE_SIZE = 500
M = TypeVar("M", Category, Product)


@dataclass
class ExportReport:
    categories: int = 0
    products: int = 0


def scan(model: type[M], include_deleted: bool) -> Iterator[M]:
    """Every item of the model's table (not its slug claims), page by page; deleted ones
    only when asked."""
    for item in model.scan(~model.id.startswith(CLAIM_PREFIX), page_size=PAGE_SIZE):
        if include_deleted or item.deleted_at is None:
            yield item


def export(out: IO[str], file_format: str, *, include_deleted: bool = False) -> ExportReport:
    """Write every live item (deleted ones too when asked) to `out`; how many of each."""
    report = ExportReport()
    if file_format == JSONL:
        # Parents before their children, so an import can put each under its parent.
        ordered = sorted(scan(Category, include_deleted), key=lambda c: (level_of(c), c.id))
        for category in ordered:
            out.write(_json(category_line(category)))
            report.categories += 1
        for product in scan(Product, include_deleted):
            out.write(_json(product_line(product)))
            report.products += 1
        return report
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for product in scan(Product, include_deleted):
        writer.writerow(csv_row(product))
        report.products += 1
    return report


def _json(line: dict[str, object]) -> str:
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
