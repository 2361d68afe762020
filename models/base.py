"""What every catalog model shares: connection settings and the list-index keys."""

from __future__ import annotations

from datetime import datetime

from settings import settings

# Each list index is partitioned by liveness, so a page of live items never reads a
# deleted one; an `includeDeleted` page merges the two partitions.
LIVE = "LIVE"
DELETED = "DELETED"

# Joins the case-folded name and the id in a sort key. Names may not contain control
# characters, so this one sorts below every character a name can hold: "ab" < "abc".
SORT_KEY_SEPARATOR = "\x1f"
# A GSI sort key holds at most 1,024 bytes; the id (<= 64) and separator must fit.
_MAX_NAME_KEY_BYTES = 900

# Fail fast: a request must give up well inside API Gateway's 29 s.
RETRY_CONFIGURATION = {"mode": "standard", "total_max_attempts": 3}


def sort_key(name: str, item_id: str) -> str:
    """The key that orders a list by name (case-insensitive), then by id."""
    folded = name.casefold().encode()[:_MAX_NAME_KEY_BYTES].decode(errors="ignore")
    return f"{folded}{SORT_KEY_SEPARATOR}{item_id}"


def status(deleted_at: datetime | None) -> str:
    """The list-index partition an item belongs in."""
    return LIVE if deleted_at is None else DELETED


class BaseMeta:
    """Connection settings shared by every model's `Meta`."""

    region = settings.region
    host = settings.endpoint_url
    connect_timeout_seconds = 2
    read_timeout_seconds = 3
    retry_configuration = RETRY_CONFIGURATION
