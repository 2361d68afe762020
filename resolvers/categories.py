"""Category operations: read, list, batch load, upsert, delete and restore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from errors import BadUserInput, Conflict, ServiceUnavailable
from models import Category
from models.base import DELETED, LIVE, is_claim, sort_key
from models.category import MAX_LEVEL, level_key, parent_key
from resolvers import category_tree, validation
from resolvers.category_tree import Place
from resolvers.pagination import Page, Unknown, decode_cursor, is_sort_key, paginate
from resolvers.slug_claims import claiming, lookup, slug_change, taken
from resolvers.slugs import is_slug
from store import compat
from store.entities import (
    ItemWrite,
    OtherUpdate,
    SlugTaken,
    bump,
    check_version,
    check_writable,
    create,
    fresh_id,
    get,
    held_slugs,
    missing,
    new_item,
    now,
    owner_of,
    require,
    successor,
    update_live,
    with_retries,
)
from store.errors import Raced, translated_errors

KIND = "category"
# Storage costs, in DynamoDB calls (schema/limits.py estimates requests by them): by
# id one GetItem; by slug one Query of `by_slug` (a current slug), then the claim's
# owner by id (an old slug), or the claim's GetItem when the index has not caught up
# with a new slug yet.
GET_CALLS = 1
SLUG_GET_CALLS = 3


def page_calls(include_deleted: bool | Unknown = False, by_parent: bool = False) -> int:
    """The Queries one page of categories makes: one per status it shows, and the
    parent's GetItem when a page of children is empty (an unknown parent is refused)."""
    return (1 if include_deleted is False else 2) + (1 if by_parent else 0)


def get_category(
    category_id: str | None = None, *, slug: str | None = None, include_deleted: bool = False
) -> Category | None:
    """One category by id (one GetItem) or by a slug it holds, current or old; deleted
    ones only when asked for."""
    validation.exactly_one(id=category_id, slug=slug)
    if slug is None:
        return lookup(Category, category_id, None, include_deleted=include_deleted)
    category = _by_slug(slug) if is_slug(slug) else None
    if category is None or (category.deleted_at and not include_deleted):
        return None
    return category


def _by_slug(slug: str) -> Category | None:
    """The category holding `slug`: its current slug in one Query of `by_slug`, which also
    finds an old slug's claim (then the owner by id); when the index has neither yet (it
    lags a write by a moment), the claim's consistent GetItem."""
    try:
        with translated_errors():
            answer = compat.connection(Category).query(
                Category.Meta.table_name, slug, index_name=Category.by_slug.Meta.index_name
            )
    except ServiceUnavailable:
        # The index is still being built after an upgrade (docs/lists.md): the claim.
        answer = {"Items": []}
    items = answer.get("Items", [])
    for item in items:
        if not is_claim(item["id"]["S"]):
            return Category.from_raw_data(item)
    owner = items[0]["owner"]["S"] if items else owner_of(Category, slug, consistent=True)
    return get(Category, owner) if owner else None


def load_categories(category_ids: Sequence[str]) -> list[Category | None]:
    """Categories for many ids in one BatchGetItem (per 100), in the ids' order."""
    with translated_errors():
        found = {category.id: category for category in Category.batch_get(set(category_ids))}
    return [found.get(category_id) for category_id in category_ids]


def list_categories(
    first: int,
    after: str | None,
    *,
    include_deleted: bool = False,
    parent_id: str | None = None,
    level: int | None = None,
) -> Page[Category]:
    """A page of categories ordered by name (case-insensitive), then id: every one, the
    children of `parent_id`, or those at depth `level` (one Query per status shown)."""
    validation.page_size(first)
    if parent_id is not None and level is not None:
        raise BadUserInput("Give parentId or level, not both.", field="level")
    start = decode_cursor(KIND, after, is_sort_key)
    statuses = (LIVE, DELETED) if include_deleted else (LIVE,)
    index: Any = Category.by_name
    key: Any = lambda status: status  # noqa: E731
    if parent_id is not None:
        validation.item_id(parent_id, "parentId")
        index, key = Category.by_parent, lambda status: parent_key(status, parent_id)
    elif level is not None:
        if not 0 <= level <= MAX_LEVEL:
            raise BadUserInput(f"level must be between 0 and {MAX_LEVEL}.", field="level")
        index, key = Category.by_level, lambda status: level_key(status, level)
    page = _index_page(index, [key(status) for status in statuses], first, start)
    if parent_id is not None and not page.items and get(Category, parent_id) is None:
        raise BadUserInput(f"parentId {parent_id} does not name a category.", field="parentId")
    return page


def list_children(category_id: str, first: int, after: str | None) -> Page[Category]:
    """A page of a category's live children by name (case-insensitive), then id: one Query."""
    validation.page_size(first)
    start = decode_cursor(KIND, after, is_sort_key)
    return _index_page(Category.by_parent, [parent_key(LIVE, category_id)], first, start)


def _index_page(index: Any, partitions: list[Any], first: int, start: Any) -> Page[Category]:
    """A page after the sort key `start`, merged from the name-ordered partitions of
    `index`, one Query each."""

    def partition(hash_key: Any) -> Any:
        def query(limit: int) -> Any:
            condition = Category.sort_key > start if start is not None else None
            with translated_errors():
                yield from index.query(hash_key, range_key_condition=condition, limit=limit)

        return query

    return paginate(KIND, first, [partition(hash_key) for hash_key in partitions])


def upsert_category(
    category_id: str | None, changes: dict[str, Any], expected_version: int | None
) -> Category:
    """Create or update a category; only the fields in `changes` are written.

    `parent_id` in `changes` moves it (None: to the roots) with its live subtree.
    """
    changes = validation.fields(changes, validation.CATEGORY_FIELDS)
    if category_id is None:
        if expected_version is not None:
            raise BadUserInput("expectedVersion needs the id of the category to update.")
        new_id = fresh_id()
        return with_retries(lambda: _create(new_id, changes, fresh=True))
    validation.item_id(category_id)

    def attempt() -> Category:
        # A slug's claim and a move's other items are written with the category, so
        # they need the stored one; other fields are one UpdateItem.
        if not changes.keys() & {"slug", "parent_id"}:
            updated = update_live(Category, category_id, changes, expected_version)
            if updated is not None:
                return updated
        current = get(Category, category_id, consistent=True)
        if current is None:
            if expected_version is not None:
                raise missing(Category, category_id)
            return _create(category_id, changes)
        check_writable(current, expected_version)
        if not changes.keys() & {"slug", "parent_id"}:
            raise Raced
        return _update(current, changes)

    return with_retries(attempt)


def _update(current: Category, changes: dict[str, Any]) -> Category:
    """Update a category whose slug or parent may change, in one transaction with the new
    slug's claim and, for a move, its live subtree and both parents' child counts.

    UpdateItems, not puts: counts change without a version bump.
    """
    others = {name: value for name, value in changes.items() if name not in ("slug", "parent_id")}
    renamed, claims = slug_change(current, changes.get("slug", current.slug))
    fields = {**others, **renamed}
    extra: list[OtherUpdate] = []
    condition = Category.version == current.version
    if "parent_id" in changes and changes["parent_id"] != current.parent_id:
        place = category_tree.place_under(changes["parent_id"])
        category_tree.check_not_below_itself(current, place)
        descendants = category_tree.live_subtree(current)
        extra = [
            *category_tree.moved_subtree(current, place, descendants),
            *category_tree.left(current.parent_id),
            *category_tree.joined(place),
        ]
        if 1 + len(extra) + len(claims) > category_tree.MAX_TRANSACTION_ITEMS:
            raise category_tree.too_large(current, len(descendants) + 1)
        fields |= category_tree.tree_fields(place)
        condition &= Category.child_count == int(current.child_count or 0)
    actions = bump(Category)
    for name, value in fields.items():
        attribute = getattr(Category, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    if "name" in fields:
        actions.append(Category.sort_key.set(sort_key(fields["name"], current.id)))
    try:
        ItemWrite(
            Category(current.id), condition, claims=claims, actions=actions, others=extra
        ).commit()
    except SlugTaken as error:
        raise taken(Category, error.slug) from None
    # What was written, as the read it was conditioned on saw it (no second read).
    return successor(current, **fields)


def delete_category(
    category_id: str, *, hard: bool, expected_version: int | None
) -> tuple[Category, datetime | None]:
    """Soft- or hard-delete a category that has no live products and no live children."""
    validation.item_id(category_id)
    if hard:
        return with_retries(lambda: _hard_delete_once(category_id, expected_version)), None
    return with_retries(lambda: _soft_delete_once(category_id, expected_version))


def _soft_delete_once(
    category_id: str, expected_version: int | None
) -> tuple[Category, datetime | None]:
    current = require(Category, category_id)
    check_version(current, expected_version)
    if current.deleted_at is not None:
        return current, current.deleted_at
    _check_empty(current)
    category_tree.check_childless(current)
    moment = now()
    level = category_tree.level_of(current)
    actions = [
        *bump(Category, moment),
        Category.deleted_at.set(moment),
        Category.status.set(DELETED),
        Category.level_key.set(level_key(DELETED, level)),
    ]
    deleted_parent_key = parent_key(DELETED, current.parent_id)
    if deleted_parent_key is not None:
        actions.append(Category.parent_key.set(deleted_parent_key))
    condition = (
        (Category.version == current.version)
        & (Category.product_count == 0)
        & (Category.child_count == 0)
    )
    ItemWrite(
        Category(category_id),
        condition,
        actions=actions,
        others=category_tree.left(current.parent_id),
    ).commit()
    return successor(current, deleted_at=moment, updated_at=moment), moment


def restore_category(category_id: str) -> Category:
    """Bring a soft-deleted category back under its parent (which must be live); a live
    one is returned unchanged."""
    validation.item_id(category_id)
    return with_retries(lambda: _restore_once(category_id))


def _restore_once(category_id: str) -> Category:
    current = require(Category, category_id)
    if current.deleted_at is None:
        return current
    place: Place = category_tree.restored_place(current)
    fields = category_tree.tree_fields(place)
    actions = [*bump(Category), Category.deleted_at.remove(), Category.status.set(LIVE)]
    for name, value in fields.items():
        attribute = getattr(Category, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    ItemWrite(
        Category(category_id),
        (Category.version == current.version) & (Category.status == DELETED),
        actions=actions,
        others=category_tree.joined(place),
    ).commit()
    return successor(current, deleted_at=None, **fields)


def _hard_delete_once(category_id: str, expected_version: int | None) -> Category:
    """Delete a category with no live products or children, freeing every slug it holds
    (and its place among its parent's children), in one transaction."""
    current = require(Category, category_id)
    check_version(current, expected_version)
    _check_empty(current)
    category_tree.check_childless(current)
    condition = (
        (Category.version == current.version)
        & (Category.product_count == 0)
        & (Category.child_count == 0)
    )
    live_parent = current.parent_id if current.deleted_at is None else None
    ItemWrite(
        current,
        condition,
        delete=True,
        releases=held_slugs(current),
        others=category_tree.left(live_parent),
    ).commit()
    return current


def _check_empty(current: Category) -> None:
    if current.product_count > 0:
        raise Conflict(
            f"Category {current.id} still has {current.product_count} live products; "
            "move or delete them first."
        )


def _create(category_id: str, changes: dict[str, Any], *, fresh: bool = False) -> Category:
    """Put a new category with its slug's claim (and one more child on its parent);
    `fresh` when this request made up its id."""
    if "name" not in changes:
        raise BadUserInput("name is required to create a category.")
    place = category_tree.place_under(changes.get("parent_id"))
    fields = {name: value for name, value in changes.items() if name != "parent_id"}
    category = new_item(
        Category,
        category_id,
        {
            **fields,
            "product_count": 0,
            "child_count": 0,
            "parent_id": place.parent_id,
            "ancestor_ids": place.ancestor_ids or None,
            "level": place.level,
        },
    )

    def write() -> Category:
        create(category, fresh=fresh, claims=[category.slug], others=category_tree.joined(place))
        return category

    return claiming(category, changes.get("slug"), write)
