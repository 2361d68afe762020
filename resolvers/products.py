"""Product operations: read, list, upsert, delete and restore."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from errors import BadUserInput, Conflict
from models import Product
from resolvers import images, product_lists, validation
from resolvers.pagination import Page
from resolvers.product_lists import ProductFilter
from resolvers.slug_claims import claiming, lookup, slug_change, taken
from resolvers.slugs import from_name
from store.entities import (
    CountChange,
    ItemWrite,
    SlugTaken,
    check_version,
    check_writable,
    create,
    fresh_id,
    get,
    held_slugs,
    missing,
    moved,
    new_item,
    now,
    require,
    successor,
    update_live,
    with_retries,
)

DEFAULTS: dict[str, Any] = {"currency": "USD", "stock": 0}
# Storage cost of `get_product`, in DynamoDB calls (schema/limits.py estimates by it):
# by id one GetItem; by slug the claim's GetItem, then the product's.
GET_CALLS = 1
SLUG_GET_CALLS = 2
# Fields the list keys are derived from together with other fields (a price key needs
# the name, a shelf the deletion, a category shelf the stock), and the slug, whose
# claim is written with the product: changing one needs the stored item first, so
# one UpdateItem cannot do it.
KEYED_FIELDS = frozenset({"name", "price", "stock", "category_id", "slug"})


def get_product(
    product_id: str | None = None, *, slug: str | None = None, include_deleted: bool = False
) -> Product | None:
    """One product by id (one GetItem) or by a slug it holds, current or old (two);
    deleted ones only when asked for."""
    return lookup(Product, product_id, slug, include_deleted=include_deleted)


def list_products(
    first: int,
    after: str | None,
    *,
    category_id: str | None = None,
    include_deleted: bool = False,
    sort: str = product_lists.NAME,
    reverse: bool = False,
    product_filter: ProductFilter | None = None,
) -> Page[Product]:
    """A page of products in the `sort` order (reversed when asked), narrowed by the filter."""
    spec = product_lists.list_spec(
        sort,
        reverse,
        product_filter,
        category_id=category_id,
        include_deleted=include_deleted,
    )
    return product_lists.list_page(spec, first, after)


def upsert_product(
    product_id: str | None, changes: dict[str, Any], expected_version: int | None
) -> Product:
    """Create or update a product; only the fields in `changes` are written."""
    changes = checked_upsert(product_id, changes, expected_version)
    if product_id is None:
        new_id = fresh_id()
        return with_retries(lambda: _create(new_id, changes, fresh=True))
    return apply_upsert(product_id, changes, expected_version)


def checked_upsert(
    product_id: str | None, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    """An upsert's input checked (BAD_USER_INPUT naming the field): its changes, as stored."""
    changes = validation.fields(changes, validation.PRODUCT_FIELDS)
    if product_id is None:
        if expected_version is not None:
            raise BadUserInput(
                "expectedVersion needs the id of the product to update.",
                field="expectedVersion",
            )
    else:
        validation.item_id(product_id)
    return changes


def apply_upsert(
    product_id: str, changes: dict[str, Any], expected_version: int | None, *, fresh: bool = False
) -> Product:
    """Write a checked upsert of the product `product_id` (`fresh`: an id this request made)."""
    if fresh:
        return with_retries(lambda: _create(product_id, changes, fresh=True))
    if not changes.keys() & KEYED_FIELDS:
        updated = update_live(Product, product_id, changes, expected_version)
        if updated is not None:
            return updated
    return with_retries(lambda: _upsert_once(product_id, changes, expected_version))


def delete_product(
    product_id: str, *, hard: bool, expected_version: int | None
) -> tuple[Product, datetime | None]:
    """Soft- or hard-delete a product; returns it with its deletion time."""
    validation.item_id(product_id)
    product, deleted_at = with_retries(lambda: _delete_once(product_id, hard, expected_version))
    if hard:
        images.delete_product_files(product_id)
    return product, deleted_at


def restore_product(product_id: str) -> Product:
    """Bring a soft-deleted product back into its category's lists."""
    validation.item_id(product_id)
    return with_retries(lambda: _restore_once(product_id))


def _create(product_id: str, changes: dict[str, Any], *, fresh: bool = False) -> Product:
    """Put a new product; `fresh` when this request made up its id."""
    product = _new_product(product_id, changes)
    counts = moved(None, product.category_id)

    def write() -> Product:
        if create(product, fresh=fresh, counts=counts, claims=[product.slug]) is not None:
            raise dead_category(changes["category_id"])
        return product

    return claiming(product, changes.get("slug"), write)


def _upsert_once(product_id: str, changes: dict[str, Any], expected_version: int | None) -> Product:
    current = get(Product, product_id, consistent=True)
    if current is None:
        _check_creatable(product_id, expected_version)
        return _create(product_id, changes)
    product, write = planned_write(product_id, current, changes, expected_version)
    try:
        if write.commit() is not None:
            raise dead_category(product.category_id)
    except SlugTaken as error:
        raise taken(Product, error.slug) from None
    return product


def planned_write(
    product_id: str, current: Product | None, changes: dict[str, Any], expected_version: int | None
) -> tuple[Product, ItemWrite]:
    """The product, and its write applying checked `changes` to `current` (None: not
    stored) with its category counts, conditioned on what was read; coded errors for
    what the read refuses. A new product claims its slug as given or made from its
    name, without a suffix: when that is taken, the write fails (`SlugTaken`)."""
    if current is None:
        _check_creatable(product_id, expected_version)
        product = _new_product(product_id, changes)
        product.slug = changes.get("slug") or from_name(product.name, product_id)
        return product, ItemWrite(
            product,
            Product.id.does_not_exist(),
            counts=moved(None, product.category_id),
            claims=[product.slug],
        )
    check_writable(current, expected_version)
    others = {name: value for name, value in changes.items() if name != "slug"}
    renamed, claims = slug_change(current, changes.get("slug", current.slug))
    product = successor(current, **others, **renamed)
    return product, ItemWrite(
        product,
        Product.version == current.version,
        counts=moved(current.category_id, product.category_id),
        claims=claims,
    )


def _check_creatable(product_id: str, expected_version: int | None) -> None:
    if expected_version is not None:
        error = missing(Product, product_id)
        error.field = "id"
        raise error


def _new_product(product_id: str, changes: dict[str, Any]) -> Product:
    for required in ("name", "price"):
        if required not in changes:
            raise BadUserInput(f"{required} is required to create a product.", field=required)
    return new_item(Product, product_id, {**DEFAULTS, **changes})


def _delete_once(
    product_id: str, hard: bool, expected_version: int | None
) -> tuple[Product, datetime | None]:
    current = require(Product, product_id)
    check_version(current, expected_version)
    live_count = moved(current.category_id if current.deleted_at is None else None, None)
    if hard:
        _write(current, current, live_count, delete=True, releases=held_slugs(current))
        return current, None
    if current.deleted_at is not None:
        return current, current.deleted_at
    moment = now()
    product = successor(current, deleted_at=moment, updated_at=moment)
    _write(current, product, live_count)
    return product, product.deleted_at


def _restore_once(product_id: str) -> Product:
    current = require(Product, product_id)
    if current.deleted_at is None:
        return current
    product = successor(current, deleted_at=None)
    if _write(current, product, moved(None, product.category_id)):
        raise Conflict(
            f"Product {product_id} cannot be restored: its category "
            f"{product.category_id} is deleted or missing. Restore the category first."
        )
    return product


def _write(
    current: Product,
    product: Product,
    counts: list[CountChange],
    *,
    delete: bool = False,
    releases: list[str] | None = None,
) -> CountChange | None:
    """Write `product` (or delete it) if the stored one is still at the version read."""
    condition = Product.version == current.version
    return ItemWrite(
        product, condition, delete=delete, counts=counts, releases=releases or []
    ).commit()


def dead_category(category_id: str | None) -> BadUserInput:
    """The refusal of a product whose category is deleted or missing."""
    return BadUserInput(
        f"categoryId {category_id} does not name a live category.", field="categoryId"
    )
