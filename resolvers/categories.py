"""Category operations: read, list, batch load, upsert, delete and restore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException

from errors import BadUserInput, Conflict
from models import Category
from models.base import DELETED, LIVE
from resolvers import validation
from resolvers.pagination import Page, Unknown, decode_cursor, is_sort_key, paginate
from store.entities import (
    bump,
    check_version,
    check_writable,
    create,
    fresh_id,
    get,
    missing,
    new_item,
    now,
    require,
    update_live,
    with_retries,
)
from store.errors import Raced, is_condition_failure, translated_errors

KIND = "category"
# Storage costs, in DynamoDB calls (schema/limits.py estimates requests by them).
GET_CALLS = 1


def page_calls(include_deleted: bool | Unknown = False) -> int:
    """The Queries one page of categories makes: one per status it shows."""
    return 1 if include_deleted is False else 2


def get_category(category_id: str, *, include_deleted: bool = False) -> Category | None:
    """One category by id (one GetItem); deleted ones only when asked for."""
    category = get(Category, validation.item_id(category_id))
    if category is None or (category.deleted_at and not include_deleted):
        return None
    return category


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
        return _create(fresh_id(), changes, fresh=True)
    validation.item_id(category_id)

    def attempt() -> Category:
        updated = update_live(Category, category_id, changes, expected_version)
        if updated is not None:
            return updated
        current = get(Category, category_id, consistent=True)
        if current is None:
            if expected_version is not None:
                raise missing(Category, category_id)
            return _create(category_id, changes)
        check_writable(current, expected_version)
        raise Raced

    return with_retries(attempt)


def delete_category(
    category_id: str, *, hard: bool, expected_version: int | None
) -> tuple[Category, datetime | None]:
    """Soft- or hard-delete a category that has no live products."""
    validation.item_id(category_id)
    condition = Category.product_count == 0
    if expected_version is not None:
        condition &= Category.version == expected_version
    moment = now()
    category = Category(category_id)
    try:
        with translated_errors():
            if hard:
                category.delete(condition=condition & Category.id.exists())
                return category, None
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
    if current.product_count > 0:
        raise Conflict(
            f"Category {category_id} still has {current.product_count} live products; "
            "move or delete them first."
        )
    if current.deleted_at is not None and not hard:
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


def _create(category_id: str, changes: dict[str, Any], *, fresh: bool = False) -> Category:
    """Put a new category; `fresh` when this request made up its id."""
    if "name" not in changes:
        raise BadUserInput("name is required to create a category.")
    category = new_item(Category, category_id, {**changes, "product_count": 0})
    create(category, fresh=fresh)
    return category
