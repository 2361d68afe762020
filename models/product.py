"""The Product model: one item per product in the products table."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from models.attributes import DecimalAttribute
from models.base import BaseMeta, from_raw_data, sort_key, status
from settings import settings


class ProductsByName(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """Products of one status, ordered by name (case-insensitive), then id."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class ProductsByCategory(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """Products of one category and status, ordered like `ProductsByName`."""

    class Meta:
        index_name = "by_category"
        projection = AllProjection()

    category_status = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class Product(Model):
    """A product of the catalog; `price` is an exact decimal."""

    class Meta(BaseMeta):
        table_name = settings.products_table

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    price = DecimalAttribute()
    currency = UnicodeAttribute()
    stock = NumberAttribute()
    image_url = UnicodeAttribute(null=True)
    category_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    deleted_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute()
    status = UnicodeAttribute()
    sort_key = UnicodeAttribute()
    # "<category id>#<status>", absent without a category: keeps it out of the index.
    category_status = UnicodeAttribute(null=True)

    by_name = ProductsByName()
    by_category = ProductsByCategory()

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Product:
        return from_raw_data(cls, data)

    def set_index_keys(self) -> None:
        """Derive the list-index keys from the name, id, category and deletion."""
        self.status = status(self.deleted_at)
        self.sort_key = sort_key(self.name, self.id)
        self.category_status = f"{self.category_id}#{self.status}" if self.category_id else None
