"""DeletePayload, what both delete mutations return."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type
class DeletePayload:
    id: strawberry.ID
    hard: bool
    deleted_at: datetime | None
