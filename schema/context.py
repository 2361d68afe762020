"""The per-request context: the caller's identity and the request's id."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.auth import Identity


@dataclass
class Context:
    """What resolvers may know of the request; built anew for each one."""

    identity: Identity | None
    request_id: str | None = None
    # The group whose members are admins (settings.admin_group).
    admin_group: str = "admin"
