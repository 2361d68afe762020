"""Reading a request: its headers, its body within a limit, and the GraphQL request it holds.

A GraphQL request comes as a JSON body (POST) or as URL query parameters (GET), as
GraphQL over HTTP describes (graphql.github.io/graphql-over-http/draft, "Request
Parameters"). Anything malformed is answered 400 with a coded error before GraphQL
sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from web.negotiation import JSON
from web.responses import CodedError

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope

PERSISTED_QUERY = "persistedQuery"
_JSON_BYTES = JSON.encode()


@dataclass(frozen=True)
class GraphQLRequest:
    """The parts of a GraphQL request; `query` is None when only a persisted hash came."""

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


@dataclass(frozen=True)
class Headers:
    """The request headers the transport reads, found in one pass over them."""

    content_type: bytes | None = None
    accept: str | None = None
    accept_encoding: str | None = None
    if_none_match: str | None = None

    @classmethod
    def of(cls, scope: Scope) -> Headers:
        content_type = None
        accept = accept_encoding = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"accept-encoding":
                accept_encoding = value.decode("latin-1")
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        return cls(content_type, accept, accept_encoding, if_none_match)

    @property
    def sends_json(self) -> bool:
        """Whether the body is declared as JSON (any charset parameter is UTF-8's JSON anyway)."""
        if self.content_type is None:
            return False
        return self.content_type.split(b";", 1)[0].strip().lower() == _JSON_BYTES


def bad_request(message: str) -> CodedError:
    """The 400 for a request that is not a well-formed GraphQL-over-HTTP request."""
    return CodedError(message, 400)


def request_from_body(body: bytes) -> GraphQLRequest | CodedError:
    """The GraphQL request of a JSON body, or the 400 that says what is wrong with it."""
    try:
        data = json.loads(body)
    except RecursionError:
        return bad_request("The JSON is nested too deeply.")
    except ValueError:
        # Also invalid UTF-8, and integers longer than Python converts.
        return bad_request("The body is not valid JSON.")
    if isinstance(data, list):
        return bad_request("Batched operations are not supported: send one operation per request.")
    if not isinstance(data, dict):
        return bad_request("Expected a JSON object.")
    return _request_from(
        data.get("query"), data.get("variables"), data.get("operationName"), data.get("extensions")
    )


def request_from_query_string(query_string: bytes) -> GraphQLRequest | CodedError:
    """The GraphQL request of a GET's URL parameters; `variables` and `extensions` are JSON."""
    try:
        params = dict(parse_qsl(query_string.decode(), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        return bad_request("The query string is not valid UTF-8.")
    decoded: dict[str, Any] = {}
    for name in ("variables", "extensions"):
        text = params.get(name)
        if text is None or text == "":
            continue
        try:
            decoded[name] = json.loads(text)
        except (ValueError, RecursionError):
            return bad_request(f"The `{name}` parameter is not valid JSON.")
    return _request_from(
        params.get("query"),
        decoded.get("variables"),
        params.get("operationName") or None,
        decoded.get("extensions"),
    )


def asks_for_graphiql(query_string: bytes, accept: str | None) -> bool:
    """Whether a GET is a browser's asking for GraphiQL: HTML wanted, and no operation sent."""
    if accept is None or "text/html" not in accept:
        return False
    names = {name for name, _ in parse_qsl(query_string.decode("latin-1"))}
    return not names & {"query", "extensions"}


def _request_from(
    query: Any, variables: Any, operation_name: Any, extensions: Any
) -> GraphQLRequest | CodedError:
    if not isinstance(extensions, (dict, type(None))):
        return bad_request("`extensions` must be an object.")
    if not query and not (extensions and PERSISTED_QUERY in extensions):
        return bad_request("No GraphQL query: send one in `query`.")
    if not isinstance(query, (str, type(None))):
        return bad_request("`query` must be a string.")
    if not isinstance(variables, (dict, type(None))):
        return bad_request("`variables` must be an object.")
    if not isinstance(operation_name, (str, type(None))):
        return bad_request("`operationName` must be a string.")
    return GraphQLRequest(query, variables, operation_name, extensions)


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to be over `limit` bytes."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            break
    return bytes(body)


def replay(body: bytes) -> Receive:
    """A `receive` that hands over an already read body."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
