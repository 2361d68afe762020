"""Where a category sits in the category tree, as the search index stores it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Placed(Protocol):
    """A category as the index knows it."""

    @property
    def id(self) -> str: ...


def category_path(category_id: str | None, categories: Mapping[str, Placed]) -> tuple[str, ...]:
    """The ids from the root category down to `category_id` ((): no category).

    Categories are flat today, so every category is a root and the path is the category
    alone; the category tree (issue 22) extends this one function with the parents, and
    `filter.categoryId` and the `category` facet follow.
    """
    del categories  # the parents will be looked up here
    return (category_id,) if category_id else ()
