"""URL handles (slugs): made from a name, or checked when a client gives one."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from errors import BadUserInput

MAX_SLUG = 100
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OTHER = re.compile(r"[^a-z0-9]+")
# An item holds its current slug and at most this many in all (old ones included): a
# hard delete frees them in one transaction, which takes at most 100 items.
MAX_HELD_SLUGS = 50


def is_slug(value: str) -> bool:
    """Whether `value` is a well-formed slug: 1-100 of a-z, 0-9 in hyphen-separated runs."""
    return len(value) <= MAX_SLUG and SLUG_PATTERN.fullmatch(value) is not None


def slug(value: Any) -> str:
    """A client's explicit slug, taken as given: one that is not well-formed is refused."""
    if value is None:
        raise BadUserInput("slug cannot be null.")
    if not isinstance(value, str) or not is_slug(value):
        raise BadUserInput(
            f"slug must be 1-{MAX_SLUG} characters: lowercase letters a-z and digits in "
            "runs joined by single hyphens, with no leading or trailing hyphen."
        )
    return value


def cut(text: str, limit: int = MAX_SLUG) -> str:
    """A slug cut to at most `limit` characters at a hyphen (mid-run when it has none)."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    if head[-1] == "-":
        return head[:-1]
    at = head.rfind("-")
    return head[:at] if at > 0 else text[:limit]


def from_name(name: str, item_id: str) -> str:
    """The slug made from a name: ASCII-folded, lowercased, other runs to one hyphen, <= 100.

    A name with no Latin letters or digits gives the slug of the id instead.
    """
    for source in (name, item_id):
        folded = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
        made = cut(_OTHER.sub("-", folded.lower()).strip("-"))
        if made:
            return made
    return "item"


def with_suffix(base: str, number: int) -> str:
    """The `number`th candidate for a generated slug: `base`, then `base-2`, `base-3`..."""
    if number == 1:
        return base
    suffix = f"-{number}"
    return f"{cut(base, MAX_SLUG - len(suffix))}{suffix}"


def placeholder(item_id: str) -> str:
    """The slug shown for an item an older release wrote, until `catalog migrate` gives it one.

    Made from the id, not the name, so that it does not change when the item is renamed.
    """
    return from_name("", item_id)
