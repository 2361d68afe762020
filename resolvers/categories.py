"""Category operations: read, list, batch load, upsert, delete and restore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException

from errors import BadUserInput, Conflict
from models import Category
from models.base import DELETED, LIVE, sort_key
from resolvers import validation
from resolvers.pagination import Page, Unknown, decode_cursor, is_sort_key, paginate
from resolvers.slug_claims import claiming, lookup, slug_change, taken
from store.entities import (
    ItemWrite,
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
    require,
    successor,
    update_live,
    with_retries,
)
from store.errors import Raced, is_condition_failure, translated_errors

KIND = "category"
# Storage costs, in DynamoDB calls (schema/limits.py estimates requests by them): by
# id one GetItem; by slug the claim's GetItem, then the category's.
GET_CALLS = 1
SLUG_GET_CALLS = 2


def page_calls(include_deleted: bool | Unknown = False) -> int:
    """The Queries one page of categories makes: one per status it shows."""
    return 1 if include_deleted is False else 2


def get_category(
    category_id: str | None = None, *, slug: str | None = None, include_deleted: bool = False
) -> Category | None:
    """One category by id (one GetItem) or by a slug it holds, current or old (two);
    deleted ones only when asked for."""
    return lookup(Category, category_id, slug, include_deleted=include_deleted)


def load_categories(category_ids: Sequence[str]) -> list[Category | None]:
    """Categories for many ids in one BatchGetItem (per 100), in the ids' order."""
    with translated_errors():
        found = {category.id: category for category in Category.batch_get(set(category_ids))}
    return [found.get(category_id) for category_id in category_ids]


def list_categories(
    first: int, after: str | None, *, include_deleted: bool = False
) -> Page[Category]:
    """A page of categories ordered by name (case-insensitive), then id."""
    validation.page_size(first)
    start = decode_cursor(KIND, after, is_sort_key)
    statuses = (LIVE, DELETED) if include_deleted else (LIVE,)

    def partition(status: str) -> Any:
        def query(limit: int) -> Any:
            condition = Category.sort_key > start if start is not None else None
            with translated_errors():
                yield from Category.by_name.query(
                    status, range_key_condition=condition, limit=limit
                )

        return query

    return paginate(KIND, first, [partition(status) for status in statuses])


def upsert_category(
    category_id: str | None, changes: dict[str, Any], expected_version: int | None
) -> Category:
    """Create or update a category; only the fields in `changes` are written."""
    changes = validation.fields(changes, validation.CATEGORY_FIELDS)
    if category_id is None:
        if expected_version is not None:
            raise BadUserInput("expectedVersion needs the id of the category to update.")
        new_id = fresh_id()
        return with_retries(lambda: _create(new_id, changes, fresh=True))
    validation.item_id(category_id)

    def attempt() -> Category:
        # A slug's claim is written with the category, so a new slug needs the stored one.
        if "slug" not in changes:
            updated = update_live(Category, category_id, changes, expected_version)
            if updated is not None:
                return updated
        current = get(Category, category_id, consistent=True)
        if current is None:
            if expected_version is not None:
                raise missing(Category, category_id)
            return _create(category_id, changes)
        check_writable(current, expected_version)
        if "slug" not in changes:
            raise Raced
        return _update_with_slug(current, changes)

    return with_retries(attempt)


def _update_with_slug(current: Category, changes: dict[str, Any]) -> Category:
    """Update a category whose slug may change: its fields and its new claim in one transaction.

    An UpdateItem, not a put: the product count changes without a version bump.
    """
    others = {name: value for name, value in changes.items() if name != "slug"}
    renamed, claims = slug_change(current, changes["slug"])
    fields = {**others, **renamed}
    actions = bump(Category)
    for name, value in fields.items():
        attribute = getattr(Category, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    if "name" in fields:
        actions.append(Category.sort_key.set(sort_key(fields["name"], current.id)))
    condition = Category.version == current.version
    try:
        ItemWrite(Category(current.id), condition, claims=claims, actions=actions).commit()
    except SlugTaken as error:
        raise taken(Category, error.slug) from None
    # What was written, as the read it was conditioned on saw it (no second read).
    return successor(current, **fields)


def delete_category(
    category_id: str, *, hard: bool, expected_version: int | None
) -> tuple[Category, datetime | None]:
    """Soft- or hard-delete a category that has no live products."""
    validation.item_id(category_id)
    if hard:
        return with_retries(lambda: _hard_delete_once(category_id, expected_version)), None
    condition = Category.product_count == 0
    if expected_version is not None:
        condition &= Category.version == expected_version
    moment = now()
    category = Category(category_id)
    try:
        with translated_errors():
            category.update(
                actions=[
                    *bump(Category, moment),
                    Category.deleted_at.set(moment),
                    Category.status.set(DELETED),
                ],
                condition=condition & (Category.status == LIVE),
            )
            return category, moment
    except PynamoDBException as error:
        if not is_condition_failure(error):
            raise
    current = require(Category, category_id)
    check_version(current, expected_version)
    _check_empty(current)
    if current.deleted_at is not None:
        return current, current.deleted_at
    # The category changed between the write and this read: let the caller retry.
    raise Conflict(f"Category {category_id} changed meanwhile; try again.")


def restore_category(category_id: str) -> Category:
    """Bring a soft-deleted category back; a live one is returned unchanged."""
    validation.item_id(category_id)
    category = Category(category_id)
    try:
        with translated_errors():
            category.update(
                actions=[
                    *bump(Category),
                    Category.deleted_at.remove(),
                    Category.status.set(LIVE),
                ],
                condition=Category.status == DELETED,
            )
            return category
    except PynamoDBException as error:
        if not is_condition_failure(error):
            raise
    return require(Category, category_id)


def _hard_delete_once(category_id: str, expected_version: int | None) -> Category:
    """Delete a category with no live products, freeing every slug it holds, in one transaction."""
    current = require(Category, category_id)
    check_version(current, expected_version)
    _check_empty(current)
    condition = (Category.version == current.version) & (Category.product_count == 0)
    try:
        ItemWrite(current, condition, delete=True, releases=held_slugs(current)).commit()
    except Raced:
        _check_empty(require(Category, category_id))
        raise
    return current


def _check_empty(current: Category) -> None:
    if current.product_count > 0:
        raise Conflict(
            f"Category {current.id} still has {current.product_count} live products; "
            "move or delete them first."
        )


def _create(category_id: str, changes: dict[str, Any], *, fresh: bool = False) -> Category:
    """Put a new category with its slug's claim; `fresh` when this request made up its id."""
    if "name" not in changes:
        raise BadUserInput("name is required to create a category.")
    category = new_item(Category, category_id, {**changes, "product_count": 0})

    def write() -> Category:
        create(category, fresh=fresh, claims=[category.slug])
        return category

    return claiming(category, changes.get("slug"), write)
