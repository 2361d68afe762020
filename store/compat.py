"""The only door to PynamoDB's and botocore's private API.

Each function here relies on an internal that no public API offers; the canary tests
in tests/unit/test_store_compat.py fail when upstream changes what it relies on, and
say which workaround to revisit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.exceptions import GetError
from pynamodb.models import Model

# Where `register_once` keeps the unique ids it registered on an event emitter.
_REGISTERED = "_catalog_hooks"
# The connection each (model, hook) was registered on: once a connection's session has
# a hook, every client it makes copies it, so the same connection needs no second look.
_hooked: dict[tuple[type[Model], str], Any] = {}


def connection(model: type[Model]) -> Connection:
    """The low-level connection a model's calls go through (PynamoDB's `_get_connection`).

    PynamoDB has no public accessor (pynamodb/PynamoDB#1051 asks for one); a
    transaction needs it, and so do the botocore hooks below.
    """
    return model._get_connection().connection


def batch_get_across(model: type[Model], request_items: dict[str, Any]) -> dict[str, Any]:
    """One BatchGetItem over several tables, through `model`'s connection (so its hooks,
    budget and retries apply), failing as PynamoDB's own reads fail (GetError).

    PynamoDB's `batch_get_item` takes one table; `Connection.dispatch` sends any request.
    """
    try:
        return connection(model).dispatch("BatchGetItem", {"RequestItems": request_items})
    except BOTOCORE_EXCEPTIONS as error:
        raise GetError(f"Failed to batch get items: {error}", error) from error


def existing_client(model: type[Model]) -> Any | None:
    """The model's botocore client if one was made, without making one (`Connection._client`)."""
    return getattr(connection(model), "_client", None)


def forget_connection(model: type[Model]) -> None:
    """Drop the model's cached connection, so its next call uses its `Meta` as it is now.

    PynamoDB caches a connection per model class (`Model._connection`) built from
    `Meta` on first use, and never looks at `Meta` again.
    """
    model._connection = None


def swap_connection(model: type[Model], kept: Any | None) -> Any | None:
    """Give the model the cached connection `kept` (None: build one from `Meta` on next use);
    the one it had (`Model._connection`), or None."""
    previous = getattr(model, "_connection", None)
    model._connection = kept
    return previous


def register_once(emitter: Any, event: str, handler: Callable[..., Any], unique_id: str) -> None:
    """Register a botocore event handler once per emitter, cheaply.

    botocore's `register` ignores a unique id it has, but only after inspecting the
    handler's signature: a tenth of a warm request's CPU when done on every request.
    The ids we registered are kept on the emitter itself (its `__dict__`).
    """
    registered: set[str] = emitter.__dict__.setdefault(_REGISTERED, set())
    if unique_id not in registered:
        emitter.register(event, handler, unique_id=unique_id)
        registered.add(unique_id)


def hook_models(
    models: tuple[type[Model], ...], event: str, handler: Callable[..., Any], unique_id: str
) -> None:
    """Register a botocore event handler for every model's DynamoDB calls, idempotently.

    Registered on each connection's botocore session (clients created later copy its
    hooks) and on its client if one exists, without creating a client.
    """
    for model in models:
        table_connection = model._connection
        if table_connection is not None and _hooked.get((model, unique_id)) is table_connection:
            continue
        _connection = connection(model)
        register_once(_connection.session, event, handler, unique_id)
        client = existing_client(model)
        if client is not None:
            register_once(client.meta.events, event, handler, unique_id)
        _hooked[(model, unique_id)] = model._connection
