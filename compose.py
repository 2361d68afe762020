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
    from mangum import Mangum
    from starlette.types import ASGIApp

    from search.indexer import Handler
    from search.service import SearchService


def bind_store(settings: Settings) -> None:
    """Point the store (the models' tables and endpoint, the images bucket) at `settings`."""
    from store.binding import bind

    bind(settings)


def app(
    settings: Settings,
    graphql_ide_page: str | None = None,
    *,
    observed: bool = True,
    search: SearchService | None = None,
) -> ASGIApp:
    """The API as an ASGI app: the store bound, the schema and transport built, and
    (unless `observed` is off, as for `catalog serve`) its log line and metrics.

    The schema searches `search`, or (by default) an index started from `settings` on
    the first search; the bench and the tests hand in their own to hold it still.
    """
    from schema.root import build_schema
    from web.app import create_app

    bind_store(settings)
    api_app = create_app(build_schema(settings, search), settings, graphql_ide_page)
    if not observed:
        return api_app
    from web.observability import Observed

    return Observed(api_app, settings)


def api(settings: Settings, *, search: SearchService | None = None) -> Mangum:
    """The API's Lambda handler: API Gateway events (HTTP API v2 or REST v1) to GraphQL."""
    from mangum import Mangum
    from mangum.types import ASGI

    return Mangum(cast(ASGI, app(settings, search=search)), lifespan="off")


def indexer(settings: Settings) -> Handler:
    """The search indexer's Lambda handler: the tables' stream batches to index snapshots
    in the settings' search bucket (docs/search.md).

    It imports nothing of the engine until its first batch, so the API function, built
    in the same handler.py, never loads it; the bucket is checked then, too.
    """
    from search.indexer import create_indexer

    bind_store(settings)
    return create_indexer(settings)
