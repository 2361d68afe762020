"""Many products upserted in one call: batched reads, then transactions of many items.

Each input is checked and applied as `upsertProduct` applies it, independently of the
others. How inputs are kept apart when DynamoDB's transactions are all or nothing:

1. every input is checked (the same checks as `upsertProduct`), and a second input
   with an id already given is refused;
2. the products named and then their categories are read in one BatchGetItem each
   (consistently), and each input's write is planned from what was read: a refusal
   that read shows (`expectedVersion`, a deleted product or category) is that input's
   error, and it writes nothing;
3. the planned writes go out in as few transactions as fit (`store.entities.commit_many`),
   each product's write atomic with its category count changes;
4. a transaction DynamoDB cannot take (throttled) leaves its inputs and the later ones
   unwritten, each with SERVICE_UNAVAILABLE in its result, the earlier ones written;
5. a transaction DynamoDB cancels (another writer won a race since the read) writes
   nothing of its group, and each of the group's inputs is then made again alone,
   through `upsertProduct`'s own path, which tells its error apart.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from errors import BadUserInput, CatalogError
from models import Category, Product
from resolvers import products
from resolvers.slug_claims import CANDIDATES
from resolvers.slugs import with_suffix
from store.entities import ItemWrite, check_item_size, commit_many, fresh_id, get_many, owners

MAX_INPUTS = 100
# Storage cost of `upsert_products` with its most inputs, in DynamoDB calls, as
# schema/limits.py estimates it. Without a race, 100 inputs make at most 14: a
# BatchGetItem of the products, up to two of their categories (100 keys each; an input
# moving between categories names two), up to seven of the slugs new products would
# take (`_free_slugs`: 1 when their names differ and are free), and up to four
# transactions (100 actions each: an input moving between categories takes three, a
# create its item, its category count and its slug's claim; the API's field limits keep
# items far below the 4 MB a transaction holds). Inputs made again alone after a cancelled
# transaction (a race) cost more; the declared 50 leaves room for some, and the
# run-time cap of store/budget.py bounds the rest.
BULK_CALLS = 50
# Suffixed slugs looked up beyond one per new product with a base slug, for those some
# other product holds already.
SPARE_SUFFIXES = 4
# Windows of suffixes looked at before a new product's slug is left to its own write.
SLUG_ROUNDS = 3
# Slugs the rounds after the first look at, at most (two BatchGetItems a round).
LATER_ROUND_SLUGS = 200


@dataclass
class BulkInput:
    """One input as `upsertProduct` takes it: the id, the fields sent, `expectedVersion`."""

    product_id: str | None
    changes: dict[str, Any]
    expected_version: int | None


@dataclass
class BulkResult:
    """What became of one input: its product, or its error."""

    index: int
    product: Product | None = None
    error: CatalogError | None = None


@dataclass
class _Checked:
    index: int
    product_id: str
    changes: dict[str, Any]
    expected_version: int | None
    fresh: bool


def upsert_products(
    inputs: Sequence[BulkInput],
    *,
    write: bool = True,
    live: Collection[str] = (),
    stored: Mapping[str, Product] | None = None,
) -> list[BulkResult]:
    """Apply each input as `upsert_product` would; the results in input order.

    Without `write`, only reads: each result holds the product as it would be written,
    or the error the read shows, taking the categories in `live` as live (`catalog
    import --dry-run`, whose categories earlier in the file are not written).
    `stored`: the inputs' stored products, read consistently by the caller just before
    (an id it lacks is taken as absent), instead of reading them again; a write planned
    on it is conditioned on it, as on the call's own read.
    """
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise BadUserInput(f"inputs must hold 1-{MAX_INPUTS} products, not {len(inputs)}.")
    results = [BulkResult(index) for index in range(len(inputs))]
    checked = _checked(inputs, results)
    if stored is None:
        stored = get_many(
            Product, (item.product_id for item in checked if not item.fresh), consistent=True
        )
    planned = _planned(checked, stored, results)
    categories = get_many(
        Category,
        (change.category_id for _, _, planned_write in planned for change in planned_write.counts),
        consistent=True,
    )
    planned = [
        (item, product, item_write)
        for item, product, item_write in planned
        if _category_ok(product, item_write, categories, results[item.index], live)
    ]
    _free_slugs(
        [
            (product, item_write)
            for item, product, item_write in planned
            if "slug" not in item.changes and item.product_id not in stored
        ]
    )
    if not write:
        for item, product, _ in planned:
            results[item.index].product = product
        return results
    written = commit_many([planned_write for _, _, planned_write in planned])
    for (item, product, _), ok in zip(planned, written, strict=True):
        result = results[item.index]
        if isinstance(ok, CatalogError):
            # DynamoDB refused the transaction (throttled): this input was not written.
            result.error = ok
            continue
        if ok:
            result.product = product
            continue
        try:
            result.product = products.apply_upsert(
                item.product_id, item.changes, item.expected_version, fresh=item.fresh
            )
        except CatalogError as error:
            result.error = error
    return results


def _planned(
    checked: Sequence[_Checked], stored: Mapping[str, Product], results: list[BulkResult]
) -> list[tuple[_Checked, Product, ItemWrite]]:
    """Each input's write, planned from what was read; a refusal that read shows is its
    input's error."""
    planned: list[tuple[_Checked, Product, ItemWrite]] = []
    for item in checked:
        try:
            current = stored.get(item.product_id)
            product, item_write = products.planned_write(
                item.product_id, current, item.changes, item.expected_version
            )
            # Here, not in the transaction: one item over the limit refuses only its input.
            check_item_size(product)
        except CatalogError as error:
            results[item.index].error = error
            continue
        planned.append((item, product, item_write))
    return planned


def _free_slugs(creates: Sequence[tuple[Product, ItemWrite]]) -> None:
    """Give the new products whose slugs are made from their names the first free ones,
    looked up together: the base slug, then its suffixes in order, in windows
    (`_window`), in one BatchGetItem per 100 slugs (a call of 100 "T-shirt"s would
    otherwise try the same slug 100 times). A product that finds none within
    SLUG_ROUNDS rounds keeps its base slug; its transaction then fails and it is made
    again alone."""
    wanted: dict[str, list[tuple[Product, ItemWrite]]] = {}
    for product, item_write in creates:
        wanted.setdefault(product.slug, []).append((product, item_write))
    tried = dict.fromkeys(wanted, 0)
    for round_number in range(SLUG_ROUNDS):
        windows: dict[str, list[str]] = {}
        looked = 0
        for base, items in wanted.items():
            size = _window(len(items), round_number)
            if round_number and looked + size > LATER_ROUND_SLUGS:
                break
            windows[base] = [with_suffix(base, tried[base] + n) for n in range(1, size + 1)]
            looked += size
        every = [slug for slugs in windows.values() for slug in slugs]
        held: dict[str, str] = {}
        for start in range(0, len(every), 100):
            held |= owners(Product, every[start : start + 100])
        for base, window in windows.items():
            items = wanted[base]
            tried[base] += len(window)
            free = [slug for slug in window if slug not in held]
            for (product, item_write), slug in zip(items, free, strict=False):
                product.slug = slug
                item_write.claims = [slug]
            if len(free) >= len(items):
                del wanted[base]
            else:
                wanted[base] = items[len(free) :]
        if not wanted:
            return


def _window(wanted: int, round_number: int) -> int:
    """How many suffixes of one base slug a round looks at: first as many as products
    want it (a few more when several do), then twice as many (25 to 100) at a time."""
    if round_number:
        return min(100, max(CANDIDATES, 2 * wanted))
    return wanted + (SPARE_SUFFIXES if wanted > 1 else 0)


def duplicate_error(product_id: str) -> BadUserInput:
    """The refusal of a second input naming an id an earlier input named."""
    return BadUserInput(
        f"id {product_id} is given by an earlier input of this call; send one input per product.",
        field="id",
    )


def _checked(inputs: Sequence[BulkInput], results: list[BulkResult]) -> list[_Checked]:
    """The inputs that pass `upsertProduct`'s checks and name no id twice; the others'
    errors go into their results."""
    seen: set[str] = set()
    checked: list[_Checked] = []
    for index, given in enumerate(inputs):
        try:
            if given.product_id is not None:
                if given.product_id in seen:
                    raise duplicate_error(given.product_id)
                seen.add(given.product_id)
            changes = products.checked_upsert(
                given.product_id, given.changes, given.expected_version
            )
        except CatalogError as error:
            results[index].error = error
            continue
        fresh = given.product_id is None
        product_id = fresh_id() if given.product_id is None else given.product_id
        checked.append(_Checked(index, product_id, changes, given.expected_version, fresh))
    return checked


def _category_ok(
    product: Product,
    write: ItemWrite,
    categories: dict[str, Category],
    result: BulkResult,
    live: Collection[str],
) -> bool:
    """Whether the categories `write` counts in allow it, as its transaction would check."""
    for change in write.counts:
        if change.category_id in live:
            continue
        category = categories.get(change.category_id)
        if category is None or (change.delta > 0 and category.deleted_at is not None):
            result.error = products.dead_category(product.category_id)
            return False
    return True
