"""The ASGI app: GraphQL over HTTP on /graphql (public) and /admin/graphql (authorized).

The app serves GraphQL over HTTP itself, straight on the Strawberry schema, as the
spec's current draft asks (graphql.github.io/graphql-over-http/draft): GET and JSON
POST, `application/graphql-response+json` or legacy `application/json` answers with
the status codes of each, persisted documents, HTTP caching of public reads and gzip.
Strawberry's view answers none of that as the spec asks (it has no
`application/graphql-response+json`) and going through it and Starlette's router cost
a warm request 40% more CPU and a cold start about 50 ms
(docs/decisions/0001-fast-json-path.md). The view, behind Starlette's router
(web/view.py), is imported only for what is left: the GraphiQL page and other paths.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from strawberry.types.graphql import OperationType

from schema.compat import OPERATION_TYPE_NOT_ALLOWED, REFUSED_BEFORE_EXECUTION, http_result
from schema.root import CatalogSchema
from settings import Settings
from store.budget import start_request
from web import observability
from web.identity import request_context
from web.memory import return_large_blocks
from web.negotiation import JSON, accepts_gzip, answer_type
from web.persisted import PersistedDocuments, Resolved
from web.request import (
    GraphQLRequest,
    Headers,
    asks_for_graphiql,
    read_body,
    request_from_body,
    request_from_query_string,
)
from web.responses import (
    GZIP_MIN_BYTES,
    NO_STORE,
    VARY,
    CodedError,
    Header,
    compress,
    content_type,
    entity_tag,
    gzip_tag,
    matches,
    no_store,
    send_not_modified,
    send_response,
    too_large,
)
from web.routes import ADMIN_PATH, PUBLIC_PATH

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send
    from strawberry.types.execution import ExecutionResult

POST_OPERATIONS = OperationType.from_http("POST")
GET_OPERATIONS = OperationType.from_http("GET")
ROUTES = (PUBLIC_PATH, ADMIN_PATH)
ALLOW = (b"allow", b"GET, POST")
# Codes of a request error that is the server's fault: 5xx under graphql-response+json.
SERVER_SIDE_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})

METHOD_NOT_ALLOWED = CodedError("Send GraphQL requests with GET or POST.", 405, headers=(ALLOW,))
MUTATION_OVER_GET = CodedError(
    "Mutations are not allowed over GET: send them with POST.",
    405,
    headers=((b"allow", b"POST"),),
)
NOT_JSON = CodedError("Send the request as `Content-Type: application/json`.", 415)
NOT_ACCEPTABLE = CodedError(
    "This endpoint answers application/graphql-response+json or application/json: "
    "accept one of them.",
    406,
)


class CatalogApp:
    """Serves GraphQL over HTTP on both endpoints; hands the rest to Strawberry's view."""

    def __init__(
        self, graphql_schema: CatalogSchema, settings: Settings, graphql_ide_page: str | None
    ) -> None:
        self.schema = graphql_schema
        self.settings = settings
        self.documents = PersistedDocuments(settings)
        self.cache_control = public_cache_control(settings)
        self.graphql_ide_page = graphql_ide_page
        self._full_app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ROUTES:
            return await self.full_app(scope, receive, send)
        public = scope["path"] == PUBLIC_PATH
        if not public:
            # Admin answers can hold unpublished (deleted) items: no cache may keep them.
            send = no_store(send)
        # Every request gets its own DynamoDB budget (store/budget.py): calls and bytes.
        start_request(self.settings.max_storage_calls, self.settings.max_storage_bytes)
        headers = Headers.of(scope)
        method = scope["method"]
        request = await self._read(scope, receive, send, headers)
        if request is None:
            return None
        media_type = answer_type(headers.accept)
        if media_type is None:
            return await NOT_ACCEPTABLE(scope, receive, send)
        if isinstance(request, CodedError):
            return await request(scope, receive, send)
        resolved = self.documents.resolve(request, public=public)
        answer = GraphQLAnswer(
            send,
            headers,
            media_type,
            cache_control=self.cache_control if public and method == "GET" else None,
        )
        if isinstance(resolved, CodedError):
            return await answer.refused(resolved)
        if resolved.trusted is not None:
            observability.note_trusted_operation(resolved.trusted.operation_name)
        try:
            result = await self._execute(scope, resolved, method)
        except OPERATION_TYPE_NOT_ALLOWED:
            return await MUTATION_OVER_GET(scope, receive, send)
        except REFUSED_BEFORE_EXECUTION:
            return await answer.refused(
                CodedError(
                    "Cannot tell which operation to run: send the `operationName` of one "
                    "operation of the document.",
                    400,
                    document_error=True,
                )
            )
        await answer.result(result)

    async def _read(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> GraphQLRequest | CodedError | None:
        """The request a GET or POST carries, or the error that refuses it once the media
        type is known; None when it was answered here (405, 413, 415, GraphiQL's page)."""
        method = scope["method"]
        if method == "POST":
            if not headers.sends_json:
                await NOT_JSON(scope, receive, send)
                return None
            limit = self.settings.max_body_bytes
            body = await read_body(scope, receive, limit)
            if body is None:
                await too_large(limit)(scope, receive, send)
                return None
            return request_from_body(body)
        if method == "GET":
            if asks_for_graphiql(scope["query_string"], headers.accept):
                await self.full_app(scope, receive, send)
                return None
            return request_from_query_string(scope["query_string"])
        await METHOD_NOT_ALLOWED(scope, receive, send)
        return None

    async def _execute(self, scope: Scope, resolved: Resolved, method: str) -> ExecutionResult:
        request = resolved.request
        return await self.schema.execute(
            resolved.query,
            variable_values=request.variables,
            context_value=request_context(scope, self.settings.admin_group),
            operation_name=request.operation_name,
            allowed_operation_types=GET_OPERATIONS if method == "GET" else POST_OPERATIONS,
            operation_extensions=request.extensions,
        )

    @property
    def full_app(self) -> ASGIApp:
        """Strawberry's view behind Starlette's router, built on first use."""
        if self._full_app is None:
            from web.view import full_app

            self._full_app = full_app(self.schema, self.settings, self.graphql_ide_page)
        return self._full_app


class GraphQLAnswer:
    """The answer to a well-formed GraphQL request, in the media type the client accepts.

    Under `application/graphql-response+json` a request error (no operation ran, so
    no `data`) is a 4xx; under legacy `application/json` every answer is a 200, as the
    spec asks. Successful public GETs may be kept by shared caches as `cache_control`
    says, and revalidated with their strong ETag; without it, nothing is cacheable.
    """

    def __init__(
        self, send: Send, headers: Headers, media_type: str, *, cache_control: Header | None
    ) -> None:
        self.send = send
        self.headers = headers
        self.media_type = media_type
        self.cache_control = cache_control

    async def refused(self, error: CodedError) -> None:
        """A request refused before GraphQL ran: a bad or unknown hash, an untrusted document."""
        status = 200 if self.media_type == JSON and error.document_error else error.status
        await self._send(status, error.body(), cacheable=False)

    async def result(self, result: ExecutionResult) -> None:
        payload = http_result(result)
        errors = result.errors or []
        # graphql-core fills `path` on every error raised while executing: an answer
        # with no data and no such error never ran (parsing, validation, variables).
        request_error = result.data is None and all(error.path is None for error in errors)
        status = 200
        if request_error:
            payload.pop("data", None)
            if self.media_type != JSON:
                codes = {(error.extensions or {}).get("code") for error in errors}
                status = 500 if codes & SERVER_SIDE_CODES else 400
        body = json.dumps(payload, separators=(",", ":")).encode()
        await self._send(status, body, cacheable=not errors)

    async def _send(self, status: int, body: bytes, *, cacheable: bool) -> None:
        headers: list[Header] = [content_type(self.media_type), VARY]
        gzipped = len(body) > GZIP_MIN_BYTES and accepts_gzip(self.headers.accept_encoding)
        if cacheable and self.cache_control is not None:
            identity = entity_tag(body)
            tag = gzip_tag(identity) if gzipped else identity
            headers += [self.cache_control, (b"etag", tag.encode())]
            if matches(self.headers.if_none_match, identity):
                return await send_not_modified(self.send, headers)
        else:
            headers.append(NO_STORE)
        if gzipped:
            body = compress(body)
            headers.append((b"content-encoding", b"gzip"))
        await send_response(self.send, status, body, headers)


def public_cache_control(settings: Settings) -> Header:
    """How long browsers (max-age) and the CDN (s-maxage) may keep a successful public read.

    The CDN may keep it longer because a catalog change purges it (events/purge.py).
    """
    return (
        b"cache-control",
        (
            f"public, max-age={settings.cache_max_age}, s-maxage={settings.cache_shared_max_age}, "
            f"stale-while-revalidate={settings.cache_stale_while_revalidate}"
        ).encode(),
    )


def create_app(
    graphql_schema: CatalogSchema, settings: Settings, graphql_ide_page: str | None = None
) -> ASGIApp:
    """The app over `graphql_schema`; `graphql_ide_page` replaces GraphiQL's page."""
    return_large_blocks()
    return CatalogApp(graphql_schema, settings, graphql_ide_page)
