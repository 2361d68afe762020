"""The Category model: one item per category in the categories table."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from models.base import BaseMeta, from_raw_data, sort_key, status

# The deepest a category may sit: roots are at level 0, so a tree has at most 6 levels.
MAX_LEVEL = 5


class CategoriesByName(GlobalSecondaryIndex["Category"]):  # type: ignore[no-untyped-call]
    """Categories of one status, ordered by name (case-insensitive), then id."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class CategoriesByParent(GlobalSecondaryIndex["Category"]):  # type: ignore[no-untyped-call]
    """The children of one category, of one status, by name (case-insensitive), then id.

    Roots have no `parent_key`, so they are not in it (GSIs are sparse)."""

    class Meta:
        index_name = "by_parent"
        projection = AllProjection()

    parent_key = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class CategoriesByLevel(GlobalSecondaryIndex["Category"]):  # type: ignore[no-untyped-call]
    """The categories at one depth, of one status, by name (case-insensitive), then id."""

    class Meta:
        index_name = "by_level"
        projection = AllProjection()

    level_key = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class CategoriesBySlug(GlobalSecondaryIndex["Category"]):  # type: ignore[no-untyped-call]
    """A category by its current slug, in one Query; the claims of old slugs carry their
    slug too, so an old slug finds its claim (and through it the owner) the same way."""

    class Meta:
        index_name = "by_slug"
        projection = AllProjection()

    slug = UnicodeAttribute(hash_key=True)


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
    # The tree (docs/decisions/0015-category-tree.md): the parent, the path from the
    # root (ancestor ids, root first), the depth, and how many live children it has
    # (kept in the children's transactions, as `product_count` is in the products').
    # `level` is null only on items an older release wrote: a root, until migrated.
    parent_id = UnicodeAttribute(null=True)
    ancestor_ids: Any = ListAttribute(of=UnicodeAttribute, null=True)
    level = NumberAttribute(null=True)
    child_count = NumberAttribute(default=0)
    version = NumberAttribute()
    status = UnicodeAttribute()
    sort_key = UnicodeAttribute()
    # The tree indexes' partitions: "<status>#<parent id>" (none for a root) and
    # "<status>#<level>".
    parent_key = UnicodeAttribute(null=True)
    level_key = UnicodeAttribute(null=True)

    by_name = CategoriesByName()
    by_parent = CategoriesByParent()
    by_level = CategoriesByLevel()
    by_slug = CategoriesBySlug()

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Category:
        return from_raw_data(cls, data)

    def set_index_keys(self) -> None:
        """Derive the list-index keys from the name, id, deletion and place in the tree."""
        self.status = status(self.deleted_at)
        self.sort_key = sort_key(self.name, self.id)
        self.parent_key = parent_key(self.status, self.parent_id)
        self.level_key = level_key(self.status, int(self.level or 0))


def parent_key(item_status: str, parent_id: str | None) -> str | None:
    """The `by_parent` partition of a category of that status under that parent."""
    return f"{item_status}#{parent_id}" if parent_id else None


def level_key(item_status: str, level: int) -> str:
    """The `by_level` partition of a category of that status at that depth."""
    return f"{item_status}#{level}"
