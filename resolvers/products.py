"""Product operations: read, list, upsert, delete and restore."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ulid import ULID

from models import Product
from resolvers import images, product_lists, validation
from resolvers.errors import BadUserInput, Conflict, NotFound, version_conflict
from resolvers.pagination import Page
from resolvers.product_lists import ProductFilter
from resolvers.storage import (
    CountChange,
    ProductWrite,
    Raced,
    get,
    now,
    update_live,
    with_retries,
)

DEFAULTS: dict[str, Any] = {"currency": "USD", "stock": 0}
# Fields the list keys are derived from together with other fields (a price key needs
# the name, a shelf the deletion, a category shelf the stock): changing one needs the
# stored item first, so one UpdateItem cannot do it.
KEYED_FIELDS = frozenset({"name", "price", "stock", "category_id"})


def get_product(product_id: str, *, include_deleted: bool = False) -> Product | None:
    """One product by id (one GetItem); deleted ones only when asked for."""
    product = get(Product, validation.item_id(product_id))
    if product is None or (product.deleted_at and not include_deleted):
        return None
    return product


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
    changes = validation.fields(changes, validation.PRODUCT_FIELDS)
    if product_id is None:
        if expected_version is not None:
            raise BadUserInput("expectedVersion needs the id of the product to update.")
        return _create(str(ULID()), changes, fresh=True)
    validation.item_id(product_id)
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
    for required in ("name", "price"):
        if required not in changes:
            raise BadUserInput(f"{required} is required to create a product.")
    moment = now()
    product = Product(
        product_id,
        **{**DEFAULTS, **changes},
        created_at=moment,
        updated_at=moment,
        version=1,
    )
    product.set_index_keys()
    counts = [CountChange(product.category_id, +1)] if product.category_id else []
    write = ProductWrite(product, Product.id.does_not_exist(), counts=counts)
    try:
        failed = write.commit()
    except Raced:
        if not fresh:
            raise
        # Nobody else knows a fresh id: the item exists because botocore retried
        # this very put after its first answer was lost, and the first one landed.
        # (A transaction's retry is idempotent by its ClientRequestToken instead.)
        failed = None
    if failed is not None:
        raise _dead_category(changes["category_id"])
    return product


def _upsert_once(product_id: str, changes: dict[str, Any], expected_version: int | None) -> Product:
    current = get(Product, product_id, consistent=True)
    if current is None:
        if expected_version is not None:
            raise NotFound(f"Product {product_id} does not exist.")
        return _create(product_id, changes)
    _check_writable(current, expected_version)
    product = Product(product_id, **_attributes(current))
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = now()
    product.version = current.version + 1
    product.set_index_keys()
    counts = _moved(current.category_id, product.category_id)
    write = ProductWrite(product, Product.version == current.version, counts=counts)
    if write.commit() is not None:
        raise _dead_category(product.category_id)
    return product


def _delete_once(
    product_id: str, hard: bool, expected_version: int | None
) -> tuple[Product, datetime | None]:
    current = get(Product, product_id, consistent=True)
    if current is None:
        raise NotFound(f"Product {product_id} does not exist.")
    if expected_version is not None and current.version != expected_version:
        raise version_conflict(current, expected_version)
    live_count = _moved(current.category_id if current.deleted_at is None else None, None)
    if hard:
        ProductWrite(
            current, Product.version == current.version, delete=True, counts=live_count
        ).commit()
        return current, None
    if current.deleted_at is not None:
        return current, current.deleted_at
    product = Product(product_id, **_attributes(current))
    product.deleted_at = product.updated_at = now()
    product.version = current.version + 1
    product.set_index_keys()
    ProductWrite(product, Product.version == current.version, counts=live_count).commit()
    return product, product.deleted_at


def _restore_once(product_id: str) -> Product:
    current = get(Product, product_id, consistent=True)
    if current is None:
        raise NotFound(f"Product {product_id} does not exist.")
    if current.deleted_at is None:
        return current
    product = Product(product_id, **_attributes(current))
    product.deleted_at = None
    product.updated_at = now()
    product.version = current.version + 1
    product.set_index_keys()
    counts = _moved(None, product.category_id)
    if ProductWrite(product, Product.version == current.version, counts=counts).commit():
        raise Conflict(
            f"Product {product_id} cannot be restored: its category "
            f"{product.category_id} is deleted or missing. Restore the category first."
        )
    return product


def _check_writable(current: Product, expected_version: int | None) -> None:
    if current.deleted_at is not None:
        raise Conflict(f"Product {current.id} is deleted; restore it before changing it.")
    if expected_version is not None and current.version != expected_version:
        raise version_conflict(current, expected_version)


def _moved(old: str | None, new: str | None) -> list[CountChange]:
    """The count changes of a live product moving from category `old` to `new`."""
    if old == new:
        return []
    return [CountChange(c, d) for c, d in ((old, -1), (new, +1)) if c is not None]


def _dead_category(category_id: str | None) -> BadUserInput:
    return BadUserInput(f"categoryId {category_id} does not name a live category.")


def _attributes(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in Product.get_attributes() if name != "id"}
