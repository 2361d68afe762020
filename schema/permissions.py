"""Strawberry permission classes: who may run a field."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from resolvers.auth import require_admin
from schema.context import Context


class IsAdmin(BasePermission):
    """The caller must be an admin: UNAUTHENTICATED or FORBIDDEN otherwise.

    `require_admin` raises the coded error itself, so the client sees the same code
    and message as before any resolver runs.
    """

    message = "This needs an admin."

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        context = info.context
        require_admin(context.identity, context.admin_group)
        return True
