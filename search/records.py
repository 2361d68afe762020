"""DynamoDB stream records as index changes: what each item now is, if live."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from models import Category, Product
from models.base import CREATED_KEY_FORMAT, is_claim
from search.types import CATEGORY, PRODUCT, CategoryEntry, Change, ProductEntry


def product_entry(image: Mapping[str, Any]) -> ProductEntry | None:
    """The index's entry for a product item (None when it is not live)."""
    product = Product.from_raw_data(dict(image))
    if product.deleted_at is not None:
        return None
    return ProductEntry(
        id=product.id,
        name=product.name,
        description=product.description or "",
        price=str(product.price),
        in_stock=int(product.stock) > 0,
        created=product.created_at.strftime(CREATED_KEY_FORMAT),
        category_id=product.category_id,
    )


def category_entry(image: Mapping[str, Any]) -> CategoryEntry | None:
    """The index's entry for a category item (None when it is not live)."""
    category = Category.from_raw_data(dict(image))
    if category.deleted_at is not None:
        return None
    return CategoryEntry(
        id=category.id, name=category.name, ancestor_ids=tuple(category.ancestor_ids or ())
    )


def change(kind: str, record: Mapping[str, Any]) -> Change:
    """The change one stream record makes to the index (kind: PRODUCT or CATEGORY)."""
    data = record["dynamodb"]
    item_id = data["Keys"]["id"]["S"]
    image = data.get("NewImage") if record["eventName"] != "REMOVE" else None
    entry: ProductEntry | CategoryEntry | None = None
    if image:
        entry = product_entry(image) if kind == PRODUCT else category_entry(image)
    return Change(kind=kind, id=item_id, entry=entry, sequence=int(data["SequenceNumber"]))


def table_of(stream_arn: str) -> str:
    """The table a stream (or a record's eventSourceARN) belongs to."""
    # arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>
    return stream_arn.split(":table/", 1)[1].split("/", 1)[0]


def kinds(products_table: str, categories_table: str) -> dict[str, str]:
    """What each table's items are in the index, by table name."""
    return {products_table: PRODUCT, categories_table: CATEGORY}


def changes(records: Iterable[Mapping[str, Any]], kind_of: Mapping[str, str]) -> list[Change]:
    """The changes of Lambda stream event records, each by its eventSourceARN's table.

    Slug claims (models/claims.py) share the tables but are no products or categories:
    they are left out.
    """
    return [
        change(kind_of[table_of(record["eventSourceARN"])], record)
        for record in records
        if not claim_record(record)
    ]


def claim_record(record: Mapping[str, Any]) -> bool:
    """Whether a stream record is a slug claim's, not a product's or a category's."""
    return is_claim(str(record["dynamodb"]["Keys"]["id"]["S"]))
