"""The one path every entity (product, category) takes to DynamoDB.

One concurrency strategy, optimistic: a write is conditioned on what it was based on
(the item's absence, its liveness, or the version that was read), and a write that
loses its race reads again and retries (`with_retries`). Versions are bumped here
and nowhere else (docs/decisions/0010-composition-root-and-store.md says why not
PynamoDB's VersionAttribute).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite
from ulid import ULID

from errors import BadUserInput, Conflict, NotFound, ServiceUnavailable, version_conflict
from models import CLAIMS, Category, Product
from models.base import CLAIM_PREFIX, LIVE, claim_key, sort_key
from store import compat
from store.errors import (
    Raced,
    is_condition_failure,
    is_unavailable,
    response_code,
    translated_errors,
)

R = TypeVar("R")
Entity = TypeVar("Entity", Product, Category)

# DynamoDB refuses items over 400 KB; checked before writing, with room for rounding.
MAX_ITEM_BYTES = 400 * 1024
# A write that loses a race re-reads and tries again; contention this long is rare.
MAX_ATTEMPTS = 8
# The storage cost of one write of an entity, as schema/limits.py estimates a mutation:
# its usual write and the read that settles a race (retries beyond that meet the
# run-time cap of store/budget.py).
WRITE_CALLS = 2
# Backoff jitter from the OS, not `random`'s module state: under Lambda SnapStart
# every environment restored from one snapshot would share that state and retry
# in lockstep.
_jitter = random.SystemRandom()
# A transaction refused as a whole: a condition failed, or another transaction raced it.
CANCELLED_CODES = frozenset({"TransactionCanceledException", "TransactionConflictException"})


def now() -> datetime:
    """The current time in UTC, to the millisecond (what the API shows)."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def fresh_id() -> str:
    """A new item's id: a ULID, so ids sort by creation."""
    return str(ULID())


def get(model: type[Entity], item_id: str, *, consistent: bool = False) -> Entity | None:
    """One item by id with one GetItem, or None."""
    with translated_errors():
        try:
            return model.get(item_id, consistent_read=consistent)
        except model.DoesNotExist:
            return None


class SlugTaken(Exception):
    """A write's slug is held by another item of the same kind."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class Contended(Raced):
    """A transaction met another one on the same items: nothing was written; try again."""


def owner_of(model: type[Entity], slug: str, *, consistent: bool = False) -> str | None:
    """The id of the item holding `slug` (current or old), with one GetItem of its claim.

    Read through the entity's own connection (the claim is in its table), so the
    call is counted and budgeted like every other.
    """
    with translated_errors():
        answer = compat.connection(model).get_item(
            model.Meta.table_name, claim_key(slug), consistent_read=consistent
        )
    item = answer.get("Item")
    return str(item["owner"]["S"]) if item else None


def owners(model: type[Product] | type[Category], slugs: list[str]) -> dict[str, str]:
    """The owners of those of `slugs` (at most 100) that are held, in one BatchGetItem."""
    found: dict[str, str] = {}
    # Keys as DynamoDB's maps: PynamoDB types them as strings, but builds each from a map.
    pending: Any = [{"id": {"S": claim_key(slug)}} for slug in slugs]
    with translated_errors():
        while pending:
            answer = compat.connection(model).batch_get_item(
                model.Meta.table_name, pending, consistent_read=True
            )
            for item in answer.get("Responses", {}).get(model.Meta.table_name, []):
                found[item["id"]["S"].removeprefix(CLAIM_PREFIX)] = item["owner"]["S"]
            pending = (
                answer.get("UnprocessedKeys", {}).get(model.Meta.table_name, {}).get("Keys", [])
            )
    return found


def held_slugs(item: Product | Category) -> list[str]:
    """Every slug the item holds: its current one first, then its old ones, sorted."""
    current = [item.slug] if item.slug else []
    return current + sorted(set(item.old_slugs or ()) - set(current))


def missing(model: type[Entity], item_id: str) -> NotFound:
    """The NOT_FOUND of an item that does not exist (or that the caller may not see)."""
    return NotFound(f"{model.__name__} {item_id} does not exist.")


def require(model: type[Entity], item_id: str) -> Entity:
    """The stored item, read consistently; NOT_FOUND when there is none."""
    item = get(model, item_id, consistent=True)
    if item is None:
        raise missing(model, item_id)
    return item


def require_live(model: type[Entity], item_id: str, *, consistent: bool = False) -> Entity:
    """The stored item, which must not be deleted (NOT_FOUND otherwise, as for a missing one)."""
    item = get(model, item_id, consistent=consistent)
    if item is None or item.deleted_at is not None:
        raise missing(model, item_id)
    return item


def check_version(current: Entity, expected_version: int | None) -> None:
    """CONFLICT when the client's `expectedVersion` is not the stored one."""
    if expected_version is not None and int(current.version) != expected_version:
        raise version_conflict(current, expected_version)


def check_writable(current: Entity, expected_version: int | None) -> None:
    """A change needs a live item at the version the client expects."""
    if current.deleted_at is not None:
        raise Conflict(
            f"{type(current).__name__} {current.id} is deleted; restore it before changing it."
        )
    check_version(current, expected_version)


def successor(current: Entity, **changes: Any) -> Entity:
    """The next version of a stored item: version and time bumped, `changes` applied."""
    item = type(current)(current.id, **_attributes(current))
    item.updated_at = now()
    item.version = int(current.version) + 1
    for name, value in changes.items():
        setattr(item, name, value)
    item.set_index_keys()
    return item


def new_item(model: type[Entity], item_id: str, fields: dict[str, Any]) -> Entity:
    """A new item at version 1, with its list keys."""
    moment = now()
    item = model(item_id, **fields, created_at=moment, updated_at=moment, version=1)
    item.set_index_keys()
    return item


def _attributes(item: Product | Category) -> dict[str, Any]:
    return {name: getattr(item, name) for name in type(item).get_attributes() if name != "id"}


def with_retries(operation: Callable[[], R]) -> R:
    """Run a read-then-conditional-write until it wins its race, with jittered backoff."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return operation()
        except Raced:
            time.sleep(_jitter.uniform(0, 0.01 * 2**attempt))
    raise Conflict("The item is being changed by other requests; try again.")


def bump(model: type[Entity], moment: datetime | None = None) -> list[Any]:
    """The UpdateItem actions of every write: the version up by one, `updatedAt` now."""
    return [model.updated_at.set(moment or now()), model.version.add(1)]


def update_live(
    model: type[Entity], item_id: str, changes: dict[str, Any], expected_version: int | None
) -> Entity | None:
    """Update a live item's fields in `changes` with one UpdateItem (None clears a field).

    Bumps `version` and `updatedAt`, and the list key when the name changes; returns
    the stored item, or None when it is missing, deleted or not at `expected_version`.
    """
    actions = bump(model)
    for name, value in changes.items():
        attribute = getattr(model, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    if "name" in changes:
        actions.append(model.sort_key.set(sort_key(changes["name"], item_id)))
    condition = model.status == LIVE
    if expected_version is not None:
        condition &= model.version == expected_version
    item = model(item_id)
    try:
        with translated_errors():
            item.update(actions=actions, condition=condition)
    except PynamoDBException as error:
        if is_condition_failure(error):
            return None
        raise
    return item


def item_size(item: Product | Category) -> int:
    """An upper bound of the item's size as DynamoDB counts it, in bytes.

    Names and strings count their UTF-8 bytes; a number counts at most one byte
    per character of its text plus one.
    """
    size = 0
    for name, value in item.serialize(null_check=False).items():
        size += len(name.encode())
        for kind, content in value.items():
            if kind == "S":
                size += len(content.encode())
            elif kind == "N":
                size += len(content) + 1
            else:
                size += len(str(content).encode())
    return size


def check_item_size(item: Product | Category) -> None:
    """Refuse an item DynamoDB would refuse, before anything is written."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        kind = type(item).__name__
        raise BadUserInput(
            f"{kind} {item.id} would take {size} bytes, over the "
            f"{MAX_ITEM_BYTES // 1024} KB limit of one item."
        )


def create(
    item: Entity,
    *,
    fresh: bool,
    counts: list[CountChange] | None = None,
    claims: list[str] | None = None,
    others: list[OtherUpdate] | None = None,
) -> CountChange | None:
    """Put a new item, unless one has its id; the count change that failed, if any.

    `fresh` when this request made up the id: nobody else knows it, so an item that
    exists already is this very put, retried by botocore after its first answer was
    lost (a transaction's retry is idempotent by its ClientRequestToken instead).
    Otherwise an existing item is a lost race (`Raced`). A transaction that met
    another (`Contended`) wrote nothing, fresh id or not. `claims`: the slugs it takes;
    `others`: updates of other items made with it (a parent's child count).
    """
    write = ItemWrite(
        item,
        type(item).id.does_not_exist(),
        counts=counts or [],
        claims=claims or [],
        others=others or [],
    )
    try:
        return write.commit()
    except Raced as raced:
        if not fresh or isinstance(raced, (Contended, OtherRaced)):
            raise
        return None


@dataclass
class CountChange:
    """A change of one category's `product_count`, made in the product's transaction."""

    category_id: str
    delta: int

    @property
    def condition(self) -> Condition:
        # Adding a live product needs a live category; removing one needs it to exist.
        if self.delta > 0:
            return Category.status == LIVE
        return Category.id.exists()


def moved(old: str | None, new: str | None) -> list[CountChange]:
    """The count changes of a live product moving from category `old` to `new`."""
    if old == new:
        return []
    return [CountChange(c, d) for c, d in ((old, -1), (new, +1)) if c is not None]


@dataclass
class OtherUpdate:
    """An UpdateItem of another category made in an item's transaction: a parent's child
    count, or a descendant's place in the tree when its ancestor moves."""

    item: Category
    actions: list[Any]
    condition: Condition


class OtherRaced(Raced):
    """An item written with another one had changed since it was read."""


@dataclass
class ItemWrite:
    """An item put or delete, with the category counts and slug claims it changes, as one write.

    `claims`: slugs the item takes (free, or its own already); `releases`: slugs it
    frees (a hard delete frees all it holds).
    """

    item: Product | Category
    condition: Condition
    delete: bool = False
    counts: list[CountChange] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    releases: list[str] = field(default_factory=list)
    # UpdateItem actions instead of a put: fields others change without a version
    # bump (a category's product count) stay as they are.
    actions: list[Any] | None = None
    others: list[OtherUpdate] = field(default_factory=list)

    def commit(self) -> CountChange | None:
        """Write atomically; return the count change whose condition failed, if any.

        Raises `Raced` when the item's own condition failed, `SlugTaken` when a slug
        it claims is another item's.
        """
        if not self.delete and self.actions is None:
            check_item_size(self.item)
        with translated_errors():
            if not (self.counts or self.claims or self.releases or self.others):
                self._write_alone()
                return None
            return self._write_in_transaction()

    def _write_alone(self) -> None:
        try:
            if self.delete:
                self.item.delete(condition=self.condition)
            elif self.actions is not None:
                self.item.update(actions=self.actions, condition=self.condition)
            else:
                self.item.save(condition=self.condition)
        except PynamoDBException as error:
            if is_condition_failure(error):
                raise Raced from error
            raise

    def _write_in_transaction(self) -> CountChange | None:
        try:
            _transact([self], self.counts)
        except TransactWriteError as error:
            return self._failed(error)
        return None

    def _request_order(self) -> list[tuple[str, Any]]:
        """What each of the transaction's items is, in the order PynamoDB sends them:
        its deletes, then its puts, then its updates."""
        item_kind = "delete" if self.delete else "update" if self.actions is not None else "put"
        parts: list[tuple[str, str, Any]] = [
            (item_kind, "item", None),
            *(("update", "count", change) for change in self.counts),
            *(("update", "other", other) for other in self.others),
            *(("put", "claim", slug) for slug in self.claims),
            *(("delete", "release", slug) for slug in self.releases),
        ]
        kinds = ("delete", "put", "update")
        ordered = sorted(parts, key=lambda part: kinds.index(part[0]))
        return [(role, what) for _, role, what in ordered]

    def _failed(self, error: TransactWriteError) -> CountChange:
        """The count change whose condition failed; otherwise raise what the failure means."""
        reasons = error.cancellation_reasons or []
        failed = [
            (role, what)
            for (role, what), reason in zip(self._request_order(), reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        ]
        roles = {role: what for role, what in reversed(failed)}
        if "item" in roles:
            raise Raced from error
        if "other" in roles:
            raise OtherRaced from error
        if "count" in roles:
            return roles["count"]  # type: ignore[no-any-return]
        if "claim" in roles:
            raise SlugTaken(roles["claim"]) from error
        codes = [reason.code if reason else None for reason in reasons]
        if "TransactionConflict" in codes or (
            response_code(error) == "TransactionConflictException"
        ):
            raise Contended from error
        # A release whose claim is gone or another's: the item changed meanwhile.
        if "release" in roles:
            raise Raced from error
        raise error


# What one TransactWriteItems may hold: 100 actions and 4 MB in all (items are checked
# against MAX_ITEM_BYTES on their own; room is kept for the request's own bytes).
MAX_TRANSACTION_ACTIONS = 100
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024 - 64 * 1024


def get_many(
    model: type[Entity], item_ids: Iterable[str], *, consistent: bool = False
) -> dict[str, Entity]:
    """The stored items among `item_ids` by id, in one BatchGetItem per 100 ids."""
    wanted = set(item_ids)
    if not wanted:
        return {}
    with translated_errors():
        return {item.id: item for item in model.batch_get(wanted, consistent_read=consistent)}


def get_products_and_categories(
    product_ids: Iterable[str], category_ids: Iterable[str]
) -> tuple[dict[str, Product], dict[str, Category]]:
    """The stored products and categories among the ids, in one BatchGetItem across both
    tables (at most 100 keys in all, BatchGetItem's most; more is a ValueError).

    PynamoDB's `batch_get` reads one table per call, so a page that needs both (a
    predictive search's products and their categories) would pay two round trips.
    """
    wanted: dict[type[Product] | type[Category], list[str]] = {
        Product: sorted(set(product_ids)),
        Category: sorted(set(category_ids)),
    }
    if sum(map(len, wanted.values())) > 100:
        raise ValueError("one BatchGetItem reads at most 100 keys")
    tables = {model.Meta.table_name: model for model in wanted}
    pending: dict[str, Any] = {
        model.Meta.table_name: {"Keys": [{"id": {"S": item_id}} for item_id in ids]}
        for model, ids in wanted.items()
        if ids
    }
    found: dict[str, dict[str, Any]] = {table: {} for table in tables}
    with translated_errors():
        while pending:
            answer = compat.batch_get_across(Product, pending)
            for table, items in answer.get("Responses", {}).items():
                for item in items:
                    found[table][item["id"]["S"]] = tables[table].from_raw_data(item)
            pending = answer.get("UnprocessedKeys") or {}
    return found[Product.Meta.table_name], found[Category.Meta.table_name]


def commit_many(writes: Sequence[ItemWrite]) -> list[bool | ServiceUnavailable]:
    """Write many items in as few transactions as DynamoDB allows; whether each was written.

    A group DynamoDB could not take (throttled, unreachable) is its writes'
    SERVICE_UNAVAILABLE, and the groups after it are not tried: the groups before it
    stay written, so each write learns its own fate.

    Each write stays atomic with its category counts. A transaction is all or nothing,
    so one failed condition (a lost race, a category deleted meanwhile) cancels its
    whole group: every write of a cancelled group is reported unwritten, for the caller
    to make again one by one (with `ItemWrite.commit`, which tells which condition
    failed). Callers check the conditions they can from what they read first, so a
    cancel means a race.
    """
    written: list[bool | ServiceUnavailable] = []
    unavailable: ServiceUnavailable | None = None
    for group in transaction_groups(writes):
        if unavailable is None:
            try:
                ok: bool | ServiceUnavailable = _commit_group(group)
            except ServiceUnavailable as error:
                unavailable = error
        written.extend([unavailable or ok] * len(group))
    return written


def transaction_groups(writes: Sequence[ItemWrite]) -> list[list[ItemWrite]]:
    """`writes` in order, cut into groups that each fit one transaction.

    A group's actions are its items, one count update per category it touches and
    its slug claims and releases. DynamoDB refuses two actions on one item in a
    transaction, so a slug a group holds already starts a new group (whose claim then
    fails, and the caller makes that write again alone, with the next free suffix).
    """
    groups: list[list[ItemWrite]] = []
    group: list[ItemWrite] = []
    categories: set[str] = set()
    slugs: set[str] = set()
    size = 0
    for write in writes:
        touched = {change.category_id for change in write.counts}
        held = {*write.claims, *write.releases}
        write_size = 0 if write.delete else item_size(write.item)
        actions = len(group) + 1 + len(categories | touched) + len(slugs) + len(held)
        too_big = size + write_size > MAX_TRANSACTION_BYTES
        if group and (actions > MAX_TRANSACTION_ACTIONS or too_big or slugs & held):
            groups.append(group)
            group, categories, slugs, size = [], set(), set(), 0
        group.append(write)
        categories |= touched
        slugs |= held
        size += write_size
    if group:
        groups.append(group)
    return groups


def merged_counts(group: Sequence[ItemWrite]) -> list[CountChange]:
    """One count change per category for a group: the deltas summed, and the liveness
    condition kept when any write of the group adds a product to it."""
    deltas: dict[str, int] = {}
    adds: set[str] = set()
    for write in group:
        for change in write.counts:
            deltas[change.category_id] = deltas.get(change.category_id, 0) + change.delta
            if change.delta > 0:
                adds.add(change.category_id)
    return [
        _MergedCount(category_id, delta, category_id in adds)
        for category_id, delta in deltas.items()
    ]


@dataclass
class _MergedCount(CountChange):
    adds: bool = False

    @property
    def condition(self) -> Condition:
        return Category.status == LIVE if self.adds else Category.id.exists()


def _commit_group(group: Sequence[ItemWrite]) -> bool:
    if len(group) == 1:
        # One item: its own write, and no transaction when it changes no count.
        try:
            return group[0].commit() is None
        except (Raced, SlugTaken):
            return False
    for write in group:
        if not write.delete:
            check_item_size(write.item)
    with translated_errors():
        try:
            _transact(group, merged_counts(group))
        except TransactWriteError as error:
            if is_unavailable(error):
                raise
            if response_code(error) in CANCELLED_CODES:
                return False
            raise
    return True


def _transact(writes: Sequence[ItemWrite], counts: Iterable[CountChange]) -> None:
    """The writes' items, the category count changes and the slug claims and releases, in
    one transaction, in that order (PynamoDB then sends deletes, puts, updates)."""
    with TransactWrite(connection=compat.connection(type(writes[0].item))) as transaction:
        for write in writes:
            if write.delete:
                transaction.delete(write.item, condition=write.condition)
            elif write.actions is not None:
                transaction.update(write.item, write.actions, condition=write.condition)
            else:
                transaction.save(write.item, condition=write.condition)
        for change in counts:
            transaction.update(
                Category(change.category_id),
                actions=[Category.product_count.add(change.delta)],
                condition=change.condition,
            )
        for write in writes:
            for other in write.others:
                transaction.update(other.item, other.actions, condition=other.condition)
        for write in writes:
            claim = CLAIMS[type(write.item)]
            owner = write.item.id
            for slug in write.claims:
                transaction.save(
                    claim(claim_key(slug), owner=owner, slug=slug),
                    condition=claim.id.does_not_exist() | (claim.owner == owner),
                )
            for slug in write.releases:
                transaction.delete(claim(claim_key(slug)), condition=claim.owner == owner)
