"""The composition root: every entry point's object graph, built from one `Settings`.

`handler.py` holds one line per Lambda function, and `catalog serve`, the bench and
the tests build theirs here too, so each runs the same app, schema and store from
the settings it was given. Nothing below reads the environment or a global settings
object: what needs a setting is handed it here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from mangum import Mangum
    from starlette.types import ASGIApp


def bind_store(settings: Settings) -> None:
    """Point the store (the models' tables and endpoint, the images bucket) at `settings`."""
    from store.binding import bind

    bind(settings)


def app(
    settings: Settings, graphql_ide_page: str | None = None, *, observed: bool = True
) -> ASGIApp:
    """The API as an ASGI app: the store bound, the schema and transport built, and
    (unless `observed` is off, as for `catalog serve`) its log line and metrics."""
    from schema.root import build_schema
    from web.app import create_app

    bind_store(settings)
    api_app = create_app(build_schema(settings), settings, graphql_ide_page)
    if not observed:
        return api_app
    from web.observability import Observed

    return Observed(api_app, settings)


def api(settings: Settings) -> Mangum:
    """The API's Lambda handler: API Gateway events (HTTP API v2 or REST v1) to GraphQL."""
    from mangum import Mangum
    from mangum.types import ASGI

    return Mangum(cast(ASGI, app(settings)), lifespan="off")


def sweeper(settings: Settings) -> Callable[[Any, Any], dict[str, int]]:
    """The daily image sweep's Lambda handler (ImagesSweepFunction): the store bound, then
    `resolvers.image_sweep.sweep` on each scheduled event."""
    from resolvers.image_sweep import sweep

    bind_store(settings)

    def scheduled(event: Any = None, context: Any = None) -> dict[str, int]:
        report = sweep()
        return {"products": report.products, "deleted": report.deleted}

    return scheduled
