"""Where a category sits in the category tree, as the search index stores it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Placed(Protocol):
    """A category as the index knows it."""

    @property
    def id(self) -> str: ...

    @property
    def ancestor_ids(self) -> Sequence[str]: ...


def category_path(category_id: str | None, categories: Mapping[str, Placed]) -> tuple[str, ...]:
    """The ids from the root category down to `category_id` ((): no category).

    Each category's item stores its ancestors (docs/decisions/0015-category-tree.md), so
    the path is one lookup. A category the index does not hold (its record not read yet)
    is its own path until it comes: the index re-paths its products then.
    """
    if not category_id:
        return ()
    category = categories.get(category_id)
    ancestors = tuple(category.ancestor_ids) if category is not None else ()
    return (*ancestors, category_id)
