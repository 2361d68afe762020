"""The category tree: where a category may go, and the writes that put it there.

Each category stores its parent, its path from the root (`ancestor_ids`), its `level`
and how many live children it has (`child_count`); docs/decisions/0015-category-tree.md
says why. Every write that changes the tree is one transaction:

- a create under a parent adds 1 to the parent's `child_count`, conditioned on the
  parent being live and at the version read (so a parent that moves meanwhile, and
  changes its level, sends the create round again);
- a move updates the moved category and each of its live descendants (their path and
  level), each conditioned on the version and child count read, and moves 1 from the
  old parent's `child_count` to the new one's (conditioned as a create's). Two moves
  that would make a cycle or a level over 5 together each change an item the other
  read: DynamoDB runs one of them, and the other reads again and is refused;
- a delete needs `child_count` 0 (as it needs `product_count` 0) and takes 1 from the
  parent's; a restore needs a live parent and adds 1 to it, taking its path anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from errors import BadUserInput, Conflict
from models import Category
from models.base import LIVE
from models.category import MAX_LEVEL, level_key, parent_key
from store.entities import OtherUpdate, bump, get, get_many
from store.errors import Raced, translated_errors

# What one move may write: DynamoDB's transaction holds 100 items, and a move takes the
# moved category, its live descendants and its old and new parents (and a new slug's
# claim when the same input changes the slug): a subtree of 98 categories between two
# parents, 99 to or from the roots. docs/decisions/0015-category-tree.md.
MAX_TRANSACTION_ITEMS = 100
# The most live descendants a move reads before refusing (one parent leaves room for 98).
MAX_MOVED = MAX_TRANSACTION_ITEMS - 2
# Storage cost of an upsertCategory that may move a subtree, in DynamoDB calls (schema/
# limits.py estimates by it): the category and the new parent read, one Query per
# category of the subtree that has children (at most every one of them but the last),
# one BatchGetItem per level of it, and the transaction: 106, within the default cap of
# 120, so a move is never refused for its estimate alone.
MOVE_CALLS = 2 + MAX_MOVED + MAX_LEVEL + 1


@dataclass
class Place:
    """Where a category goes: its parent (None: a root), path and level."""

    parent: Category | None
    ancestor_ids: list[str]
    level: int

    @property
    def parent_id(self) -> str | None:
        return self.parent.id if self.parent is not None else None


def level_of(category: Category) -> int:
    """A category's depth; items an older release wrote have none and are roots."""
    return int(category.level or 0)


def place_under(parent_id: str | None) -> Place:
    """The place of a category put under `parent_id`, read consistently: BAD_USER_INPUT
    naming parentId unless it is a live category with room below it."""
    if parent_id is None:
        return Place(None, [], 0)
    parent = get(Category, parent_id, consistent=True)
    if parent is None or parent.deleted_at is not None:
        raise BadUserInput(f"parentId {parent_id} does not name a live category.", field="parentId")
    level = level_of(parent) + 1
    if level > MAX_LEVEL:
        raise BadUserInput(
            f"parentId {parent_id} is at level {MAX_LEVEL}, the deepest a category may be; "
            f"a category cannot go below it (levels run 0-{MAX_LEVEL}).",
            field="parentId",
        )
    return Place(parent, [*(parent.ancestor_ids or []), parent.id], level)


def tree_fields(place: Place) -> dict[str, Any]:
    """The stored fields of a live category at `place`."""
    return {
        "parent_id": place.parent_id,
        "ancestor_ids": place.ancestor_ids or None,
        "level": place.level,
        "parent_key": parent_key(LIVE, place.parent_id),
        "level_key": level_key(LIVE, place.level),
    }


def joined(place: Place) -> list[OtherUpdate]:
    """The new parent's side of a category joining it: one more child, while the
    parent is live and where it was read."""
    if place.parent is None:
        return []
    parent = place.parent
    return [
        OtherUpdate(
            Category(parent.id),
            [Category.child_count.add(1)],
            (Category.status == LIVE) & (Category.version == parent.version),
        )
    ]


def left(parent_id: str | None) -> list[OtherUpdate]:
    """The old parent's side of a live category leaving it (moved or deleted)."""
    if parent_id is None:
        return []
    return [OtherUpdate(Category(parent_id), [Category.child_count.add(-1)], Category.id.exists())]


def live_subtree(root: Category) -> list[Category]:
    """The live descendants of `root`, read consistently, parents before children.

    Found level by level through the `by_parent` index (one Query per category with
    children), then read again in one BatchGetItem: the index may lag behind a write,
    so a category whose children found differ from its `child_count` sends the write
    round again (`Raced`). BAD_USER_INPUT when there are more than a move can take.
    """
    found: list[str] = []
    items: dict[str, Category] = {}
    expected: dict[str, int] = {root.id: int(root.child_count or 0)}
    frontier = [root.id] if root.child_count else []
    while frontier:
        next_frontier: list[str] = []
        for parent_id in frontier:
            with translated_errors():
                children = [
                    child.id for child in Category.by_parent.query(parent_key(LIVE, parent_id))
                ]
            if len(children) != expected[parent_id]:
                raise Raced
            next_frontier.extend(children)
        found.extend(next_frontier)
        if len(found) > MAX_MOVED:
            raise too_large(root, len(found))
        stored = get_many(Category, next_frontier, consistent=True)
        for child_id in next_frontier:
            child = stored.get(child_id)
            if child is None or child.deleted_at is not None:
                raise Raced
            expected[child_id] = int(child.child_count or 0)
            items[child_id] = child
        frontier = [child_id for child_id in next_frontier if expected[child_id]]
    return [items[child_id] for child_id in found]


def too_large(root: Category, count: int) -> BadUserInput:
    return BadUserInput(
        f"parentId: category {root.id} and the {count - 1} live categories below it are more "
        f"than one "
        f"move can take: a move writes the category, those below it and both parents in "
        f"one transaction of at most {MAX_TRANSACTION_ITEMS} items. Move its children first.",
        field="parentId",
    )


def moved_subtree(
    current: Category, place: Place, descendants: list[Category]
) -> list[OtherUpdate]:
    """The updates of `current`'s descendants when it moves to `place`: each one's path
    and level anew, while it is as read. BAD_USER_INPUT when one would go below level 5."""
    deepest = max((level_of(d) - level_of(current) for d in descendants), default=0)
    if place.level + deepest > MAX_LEVEL:
        raise BadUserInput(
            f"parentId {place.parent_id}: moving category {current.id} to level {place.level} "
            f"would put categories "
            f"{deepest} levels below it at level {place.level + deepest}, below level "
            f"{MAX_LEVEL}.",
            field="parentId",
        )
    prefix = [*place.ancestor_ids, current.id]
    updates = []
    for descendant in descendants:
        path = descendant.ancestor_ids or []
        below = path[path.index(current.id) + 1 :] if current.id in path else []
        ancestor_ids = [*prefix, *below]
        level = len(ancestor_ids)
        updates.append(
            OtherUpdate(
                Category(descendant.id),
                [
                    *bump(Category),
                    Category.ancestor_ids.set(ancestor_ids),
                    Category.level.set(level),
                    Category.level_key.set(level_key(LIVE, level)),
                ],
                (Category.version == descendant.version)
                & (Category.child_count == int(descendant.child_count or 0)),
            )
        )
    return updates


def check_not_below_itself(current: Category, place: Place) -> None:
    """BAD_USER_INPUT naming parentId when `place` is `current` or below it."""
    if place.parent is not None and (
        place.parent.id == current.id or current.id in place.ancestor_ids
    ):
        raise BadUserInput(
            f"parentId {place.parent.id}: category {current.id} cannot move under itself or "
            "one of its descendants.",
            field="parentId",
        )


def check_childless(current: Category) -> None:
    """CONFLICT when the category has live children, saying how many."""
    children = int(current.child_count or 0)
    if children:
        raise Conflict(
            f"Category {current.id} still has {children} live child "
            f"{'category' if children == 1 else 'categories'}; move or delete them first."
        )


def restored_place(current: Category) -> Place:
    """Where a restored category goes: under its parent, which must be live (CONFLICT)."""
    if current.parent_id is None:
        return Place(None, [], 0)
    try:
        return place_under(current.parent_id)
    except BadUserInput as error:
        raise Conflict(
            f"Category {current.id} cannot be restored: its parent {current.parent_id} "
            f"is deleted, gone or too deep ({error}). Restore or move the parent first."
        ) from None
