"""The catalog's file formats (docs/bulk.md): JSON Lines, lossless, and CSV, products only.

One place says which fields each format holds and how a stored item becomes a line, so
`catalog export` and `catalog import` read and write the same thing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from models import Category, Product
from models.base import values
from schema.scalars import serialize_datetime, serialize_decimal

JSONL = "jsonl"
CSV = "csv"
FORMATS = (JSONL, CSV)
# The CSV header, exactly.
CSV_HEADER = (
    "id",
    "slug",
    "name",
    "description",
    "price",
    "currency",
    "stock",
    "categoryId",
    "imageUrl",
)
# Public API field names by the models' attribute names, in the order a line holds them.
CATEGORY_FIELDS = {
    "id": "id",
    "slug": "slug",
    "name": "name",
    "description": "description",
    "parent_id": "parentId",
    "level": "level",
    "product_count": "productCount",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "deleted_at": "deletedAt",
    "version": "version",
}
PRODUCT_FIELDS = {
    "id": "id",
    "slug": "slug",
    "name": "name",
    "description": "description",
    "price": "price",
    "currency": "currency",
    "stock": "stock",
    "image_url": "imageUrl",
    "category_id": "categoryId",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "deleted_at": "deletedAt",
    "version": "version",
}


def format_of(path: str, given: str | None) -> str:
    """The format asked for, else the file's extension's; ValueError when neither is known."""
    chosen = given or path.rpartition(".")[2].lower()
    if chosen not in FORMATS:
        raise ValueError(
            f"unknown format {chosen!r}: use --format jsonl or --format csv "
            "(or a file ending in .jsonl or .csv)"
        )
    return chosen


def public(value: Any) -> Any:
    """A stored value as the API shows it: prices as exact strings, times in ISO 8601 UTC."""
    if isinstance(value, Decimal):
        return serialize_decimal(value)
    if isinstance(value, datetime):
        return serialize_datetime(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def category_line(category: Category) -> dict[str, Any]:
    stored = values(category)
    line = {"type": "category"} | {
        name: public(stored.get(attribute)) for attribute, name in CATEGORY_FIELDS.items()
    }
    # As the API shows it: items an older release wrote have no level and are roots.
    line["level"] = level_of(category)
    return line


def level_of(category: Category) -> int:
    """A category's depth in the tree (0: a root, items an older release wrote too)."""
    return int(category.level or 0)


def product_line(product: Product) -> dict[str, Any]:
    stored = values(product)
    return {"type": "product"} | {
        name: public(stored.get(attribute)) for attribute, name in PRODUCT_FIELDS.items()
    }


def csv_row(product: Product) -> list[str]:
    """A product's CSV row: empty cells for nulls."""
    line = product_line(product)
    return ["" if line[name] is None else str(line[name]) for name in CSV_HEADER]
