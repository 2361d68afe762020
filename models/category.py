"""The Category model: one item per category in the categories table."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from models.base import BaseMeta, from_raw_data, sort_key, status


class CategoriesByName(GlobalSecondaryIndex["Category"]):  # type: ignore[no-untyped-call]
    """Categories of one status, ordered by name (case-insensitive), then id."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class Category(Model):
    """A product category; `product_count` counts its live products."""

    class Meta(BaseMeta):
        table_name = "catalog-categories"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    product_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    deleted_at = UTCDateTimeAttribute(null=True)
    # The URL handle, and the ones it had before (each held by a claim item, see
    # models/claims.py). Null only on items an older release wrote, until `catalog migrate`.
    slug = UnicodeAttribute(null=True)
    old_slugs = UnicodeSetAttribute(null=True)
    version = NumberAttribute()
    status = UnicodeAttribute()
    sort_key = UnicodeAttribute()

    by_name = CategoriesByName()

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Category:
        return from_raw_data(cls, data)

    def set_index_keys(self) -> None:
        """Derive the list-index keys from the name, id and deletion."""
        self.status = status(self.deleted_at)
        self.sort_key = sort_key(self.name, self.id)
