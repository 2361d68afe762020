"""The composition root: every entry point's object graph, built from one `Settings`.

`handler.py` holds one line per Lambda function, and `catalog serve`, the bench and
the tests build theirs here too, so each runs the same app, schema and store from
the settings it was given. Nothing below reads the environment or a global settings
object: what needs a setting is handed it here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from settings import Settings

if TYPE_CHECKING:
    from mangum import Mangum
    from starlette.types import ASGIApp

    from search.service import SearchService

LambdaHandler = Callable[[Any, Any], Any]


class OnFirstCall:
    """A Lambda handler built on its first invocation.

    The functions share handler.py, so every function's cold start runs every line of
    it: each function but the API is built when it is first called, and the API's cold
    start imports none of their code (tests/e2e/infra/test_snapstart.py checks it).
    """

    def __init__(self, build: Callable[[], LambdaHandler]) -> None:
        self._build = build
        self._handler: LambdaHandler | None = None

    def __call__(self, event: Any, context: Any) -> Any:
        if self._handler is None:
            self._handler = self._build()
        return self._handler(event, context)


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


def publisher(settings: Settings) -> OnFirstCall:
    """The change events' Lambda handler: the tables' stream records to EventBridge.

    It reads stream images through the models and shows an image's public URL, so the
    store (the tables and the image store's base URL) is bound as the API's is.
    """

    def build() -> LambdaHandler:
        from events.publisher import Publisher

        bind_store(settings)
        return Publisher(settings)

    return OnFirstCall(build)


def purger(settings: Settings) -> OnFirstCall:
    """The CDN purge's Lambda handler: one CloudFront invalidation per batch of catalog events."""

    def build() -> LambdaHandler:
        from events.purge import CdnPurger

        return CdnPurger(settings)

    return OnFirstCall(build)


def sweeper(settings: Settings) -> OnFirstCall:
    """The daily image sweep's Lambda handler (ImagesSweepFunction): the store bound, then
    `resolvers.image_sweep.sweep` on each scheduled event."""

    def build() -> LambdaHandler:
        from resolvers.image_sweep import sweep

        bind_store(settings)

        def scheduled(event: Any = None, context: Any = None) -> dict[str, int]:
            report = sweep()
            return {"products": report.products, "deleted": report.deleted}

        return scheduled

    return OnFirstCall(build)


def indexer(settings: Settings) -> OnFirstCall:
    """The search indexer's Lambda handler: the tables' stream batches to index snapshots
    in the settings' search bucket (docs/search.md); the engine loads on its first batch."""

    def build() -> LambdaHandler:
        from search.indexer import create_indexer

        bind_store(settings)
        return create_indexer(settings)

    return OnFirstCall(build)
