"""Who may do what: reads are public; writes and deleted items need an admin."""

from __future__ import annotations

from dataclasses import dataclass

from errors import Forbidden, Unauthenticated


@dataclass(frozen=True)
class Identity:
    """A caller verified by API Gateway's authorizer: its subject and groups."""

    subject: str | None
    groups: frozenset[str]


def require_admin(identity: Identity | None, admin_group: str) -> None:
    """UNAUTHENTICATED without verified claims, FORBIDDEN without the admin group."""
    if identity is None:
        raise Unauthenticated("This needs an admin: call /admin/graphql with a valid token.")
    if admin_group not in identity.groups:
        raise Forbidden(f"This needs membership of the '{admin_group}' group.")
