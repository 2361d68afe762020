"""The Product model: one item per product in the products table."""

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

from models.attributes import DecimalAttribute
from models.base import (
    BaseMeta,
    created_key,
    from_raw_data,
    price_key,
    shelf,
    sort_key,
    status,
)


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


class ShelfByName(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """All products of one shelf (in stock, out of stock, deleted) by name, then id."""

    class Meta:
        index_name = "shelf_by_name"
        projection = AllProjection()

    shelf = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class ShelfByPrice(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """All products of one shelf by price, then name, then id."""

    class Meta:
        index_name = "shelf_by_price"
        projection = AllProjection()

    shelf = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class ShelfByCreated(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """All products of one shelf by creation time, then id."""

    class Meta:
        index_name = "shelf_by_created"
        projection = AllProjection()

    shelf = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class CategoryShelfByName(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """One category's products of one shelf by name, then id."""

    class Meta:
        index_name = "category_shelf_by_name"
        projection = AllProjection()

    category_shelf = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class CategoryShelfByPrice(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """One category's products of one shelf by price, then name, then id."""

    class Meta:
        index_name = "category_shelf_by_price"
        projection = AllProjection()

    category_shelf = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class CategoryShelfByCreated(GlobalSecondaryIndex["Product"]):  # type: ignore[no-untyped-call]
    """One category's products of one shelf by creation time, then id."""

    class Meta:
        index_name = "category_shelf_by_created"
        projection = AllProjection()

    category_shelf = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class Product(Model):
    """A product of the catalog; `price` is an exact decimal."""

    class Meta(BaseMeta):
        table_name = "catalog-products"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    price = DecimalAttribute()
    currency = UnicodeAttribute()
    stock = NumberAttribute()
    image_url = UnicodeAttribute(null=True)
    # The attached image (resolvers/images.py): its S3 key under images/, as read
    # from the file itself. The URL is made from the key when read, so a new CDN
    # domain needs no data migration.
    image_key = UnicodeAttribute(null=True)
    image_width = NumberAttribute(null=True)
    image_height = NumberAttribute(null=True)
    image_content_type = UnicodeAttribute(null=True)
    category_id = UnicodeAttribute(null=True)
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
    # "<category id>#<status>", absent without a category: keeps it out of the index.
    category_status = UnicodeAttribute(null=True)
    # The stock-aware list keys (docs/lists.md). Null only on items an older release
    # wrote, until `catalog migrate` derives them.
    shelf = UnicodeAttribute(null=True)
    price_key = UnicodeAttribute(null=True)
    created_key = UnicodeAttribute(null=True)
    # "<category id>#<shelf>", absent without a category.
    category_shelf = UnicodeAttribute(null=True)

    by_name = ProductsByName()
    by_category = ProductsByCategory()
    shelf_by_name = ShelfByName()
    shelf_by_price = ShelfByPrice()
    shelf_by_created = ShelfByCreated()
    category_shelf_by_name = CategoryShelfByName()
    category_shelf_by_price = CategoryShelfByPrice()
    category_shelf_by_created = CategoryShelfByCreated()

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Product:
        return from_raw_data(cls, data)

    def set_index_keys(self) -> None:
        """Derive every list-index key from the name, price, stock, category and deletion."""
        self.status = status(self.deleted_at)
        self.sort_key = sort_key(self.name, self.id)
        self.category_status = f"{self.category_id}#{self.status}" if self.category_id else None
        self.shelf = shelf(self.deleted_at, int(self.stock))
        self.price_key = price_key(self.price, self.name, self.id)
        self.created_key = created_key(self.created_at, self.id)
        self.category_shelf = f"{self.category_id}#{self.shelf}" if self.category_id else None
