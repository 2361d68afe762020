"""Taking slugs for writes: explicit ones or CONFLICT, generated ones with the first free suffix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from errors import BadUserInput, Conflict
from models import Category, Product
from resolvers import validation
from resolvers.slugs import MAX_HELD_SLUGS, from_name, is_slug, with_suffix
from store.entities import Entity, SlugTaken, get, held_slugs, owner_of, owners

R = TypeVar("R")
# How many suffixed candidates one BatchGetItem looks at when a generated slug is taken.
CANDIDATES = 25
# Rounds of looking and claiming before a generated slug gives up (each lost to a race).
MAX_ROUNDS = 8


def lookup(
    model: type[Entity], item_id: str | None, slug: str | None, *, include_deleted: bool
) -> Entity | None:
    """One item by id (one GetItem) or by a slug it holds, current or old (its claim's
    GetItem, then the item's); exactly one of them. Deleted ones only when asked for."""
    validation.exactly_one(id=item_id, slug=slug)
    if item_id is None:
        item_id = owner_of(model, slug) if slug and is_slug(slug) else None
        if item_id is None:
            return None
    item = get(model, validation.item_id(item_id))
    if item is None or (item.deleted_at and not include_deleted):
        return None
    return item


def taken(model: type[Product | Category], slug: str) -> Conflict:
    """The CONFLICT of an explicit slug another item holds."""
    kind = model.__name__.lower()
    return Conflict(f"slug {slug} is taken by another {kind} (as its slug or an old one).")


def claiming(item: Product | Category, explicit: str | None, write: Callable[[], R]) -> R:
    """Run `write` (which claims `item.slug`) with the item's slug set.

    An explicit slug is taken as given (CONFLICT when another item holds it); a
    generated one is made from the name and, when taken, gets the first free suffix.
    """
    model = type(item)
    if explicit is not None:
        item.slug = explicit
        try:
            return write()
        except SlugTaken:
            raise taken(model, explicit) from None
    base = from_name(item.name, item.id)
    item.slug = base
    number = 2
    for _ in range(MAX_ROUNDS):
        try:
            return write()
        except SlugTaken:
            pass
        free = None
        while free is None:
            candidates = [with_suffix(base, n) for n in range(number, number + CANDIDATES)]
            held = owners(model, candidates)
            free = next((c for c in candidates if held.get(c, item.id) == item.id), None)
            number += CANDIDATES
        item.slug = free
        number = int(free.rsplit("-", 1)[1]) + 1
    raise Conflict(f"No free slug was found for {item.id}; give one explicitly.")


def slug_change(current: Product | Category, slug: str | None) -> tuple[dict[str, Any], list[str]]:
    """The fields and the claim of moving `current` to `slug` (none when it has it already).

    The current slug joins the old ones, which keep finding the item; taking back
    an old slug of its own is allowed.
    """
    if slug is None or slug == current.slug:
        return {}, []
    held = set(held_slugs(current))
    if slug not in held and len(held) >= MAX_HELD_SLUGS:
        raise BadUserInput(
            f"slug cannot change: {type(current).__name__} {current.id} holds "
            f"{MAX_HELD_SLUGS} slugs already (current and old), the most one item may hold."
        )
    old = held - {slug}
    return {"slug": slug, "old_slugs": old or None}, [slug]
