"""Calls `handler.handler` the way API Gateway does, with the recorded events (bench/events.py)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import compose
from bench.events import LambdaContext, load_event
from schema.root import CatalogSchema, build_schema
from search.service import SearchService
from settings import Settings

JSON_TYPES = ("application/json", "application/graphql-response+json")
FORMATS = ("http-v2", "rest-v1")
# The contract's codes: every error the handler returns must carry one of them.
ERROR_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "CONFLICT",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",
        "PERSISTED_QUERY_NOT_FOUND",
        "PERSISTED_QUERY_NOT_IN_LIST",
    }
)


def assert_coded(body: dict[str, Any]) -> list[str]:
    """The codes of a response's errors, failing on any error without a contract code."""
    codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
    assert set(codes) <= ERROR_CODES, f"uncoded error in {body['errors']}"
    return codes  # type: ignore[return-value]


def set_groups(event: dict[str, Any], groups: Any) -> None:
    """Replace the authorizer's `cognito:groups` claim (None removes the claims)."""
    authorizer = event["requestContext"]["authorizer"]
    claims = authorizer["jwt"]["claims"] if "jwt" in authorizer else authorizer["claims"]
    if groups is None:
        event["requestContext"].pop("authorizer")
    else:
        claims["cognito:groups"] = groups


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    # Whether API Gateway got the body base64-encoded (binary: gzip, for one).
    base64_encoded: bool = False

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    @property
    def codes(self) -> list[str]:
        return assert_coded(self.body)


# The settings of an environment that sets none: every default.
DEFAULT_SETTINGS = Settings.from_env({})


@cache
def schema_for(settings: Settings) -> CatalogSchema:
    """The schema the composition root would build from `settings`, built once per value."""
    return build_schema(settings)


_searches: list[SearchService] = []


@cache
def search_for(settings: Settings) -> SearchService:
    """The index the handler of `settings` searches, which a test may replace or hold still."""
    service = SearchService(settings)
    _searches.append(service)
    return service


def stop_searches() -> None:
    """Stop every index the tests' handlers started: a stream follower polls until stopped,
    and followers left behind by earlier modules would slow every later request down. The
    next search starts its index again, from the streams."""
    for service in _searches:
        service.stop()


@cache
def handler_for(settings: Settings) -> Callable[..., dict[str, Any]]:
    """The Lambda handler the composition root builds from `settings`, built once per value."""
    return compose.api(settings, search=search_for(settings))


def settings_with(**changes: Any) -> Settings:
    """The settings the test's environment sets (its backend's endpoint), with `changes`."""
    return replace(Settings.from_env(), **changes)


@dataclass
class ApiClient:
    """A GraphQL client of the Lambda handler through one API Gateway event format.

    The handler is the composition root's, built from `settings`, or from the test's
    environment when none are given.
    """

    api: str
    settings: Settings | None = None

    def with_settings(self, **changes: Any) -> ApiClient:
        """The same client of a handler built from other settings (`Settings` field names)."""
        return replace(self, settings=settings_with(**changes))

    @property
    def search(self) -> SearchService:
        """The index the handler searches (`use` replaces it, `freeze` holds it still)."""
        return search_for(self.settings or Settings.from_env())

    @property
    def handler(self) -> Callable[..., dict[str, Any]]:
        settings = self.settings or Settings.from_env()
        # Handlers are kept per settings; the store follows the one called.
        compose.bind_store(settings)
        return handler_for(settings)

    def send(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        admin_route: bool = False,
        groups: Any = "default",
    ) -> Response:
        event = load_event(self.api, admin_route=admin_route)
        if admin_route and groups != "default":
            set_groups(event, groups)
        event["body"] = json.dumps({"query": query, "variables": variables or {}})
        result = self.handler(event, LambdaContext())
        return response_of(result)

    def raw(self, event: dict[str, Any]) -> Response:
        """Send an event as it is, for tests of the HTTP layer."""
        return response_of(self.handler(event, LambdaContext()))

    def public(self, query: str, variables: dict[str, Any] | None = None) -> Response:
        return self.send(query, variables)

    def admin(self, query: str, variables: dict[str, Any] | None = None) -> Response:
        return self.send(query, variables, admin_route=True)

    def ok(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Run as admin and return `data`, failing the test on any error."""
        response = self.admin(query, variables)
        assert response.status == 200, response
        assert not response.errors, response.errors
        return response.data


def response_of(result: dict[str, Any]) -> Response:
    headers = {key.lower(): value for key, value in (result.get("headers") or {}).items()}
    encoded = bool(result.get("isBase64Encoded"))
    raw = result.get("body") or ""
    content = base64.b64decode(raw) if encoded else raw.encode()
    if headers.get("content-encoding") == "gzip":
        content = gzip.decompress(content)
    body: dict[str, Any] = {}
    if content and headers.get("content-type", "").startswith(JSON_TYPES):
        body = json.loads(content)
        assert_coded(body)
    elif content:
        body = {"text": content.decode()}
    return Response(result["statusCode"], headers, body, encoded)


def http_event(
    api: ApiClient,
    method: str,
    body: str,
    *,
    query: str = "",
    admin_route: bool = False,
    **headers: str,
) -> dict[str, Any]:
    """A recorded event turned into `method` with this body, query string and extra headers."""
    event = load_event(api.api, admin_route=admin_route)
    event["body"] = body
    for name in headers:
        drop_header(event, name.lower())
    if api.api == "http-v2":
        event["requestContext"]["http"]["method"] = method
        event["rawQueryString"] = query
        event["headers"].update(headers)
    else:
        event["httpMethod"] = event["requestContext"]["httpMethod"] = method
        # REST API events carry query parameters already decoded.
        params = dict(parse_qsl(query)) if query else None
        event["queryStringParameters"] = params
        event["multiValueQueryStringParameters"] = (
            {k: [v] for k, v in params.items()} if params else None
        )
        for name, value in headers.items():
            event["headers"][name] = value
            event["multiValueHeaders"][name] = [value]
    return event


def drop_header(event: dict[str, Any], name: str) -> dict[str, Any]:
    """The event without header `name`, in whatever case it was recorded."""
    for key in ("headers", "multiValueHeaders"):
        headers = event.get(key) or {}
        for recorded in [h for h in headers if h.lower() == name]:
            del headers[recorded]
    return event
