"""Reading a request: its body within a limit, and the GraphQL request a JSON body holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope

JSON = b"application/json"
# An Accept header asking for one of these wants a streamed answer: the view's job.
STREAMED = ("multipart/mixed", "text/event-stream")


@dataclass(frozen=True)
class GraphQLRequest:
    """The parts of a GraphQL request the schema executes."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def wants_single_json(scope: Scope) -> bool:
    """Whether the request says it sends JSON and accepts a single JSON answer."""
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    essence = content_type.split(b";", 1)[0].strip().lower()
    wanted = accept.decode("latin-1").lower()
    return essence == JSON and not any(kind in wanted for kind in STREAMED)


def parse_graphql_request(body: bytes) -> GraphQLRequest | None:
    """The GraphQL request of a plain JSON body, else None.

    None for anything Strawberry's view answers with an error of its own or treats
    specially: bodies that are not JSON objects (batches included), and fields of
    the wrong type.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    query = data.get("query")
    variables = data.get("variables")
    operation_name = data.get("operationName")
    extensions = data.get("extensions")
    if (
        not isinstance(query, str)
        or not isinstance(variables, (dict, type(None)))
        or not isinstance(operation_name, (str, type(None)))
        or not isinstance(extensions, (dict, type(None)))
    ):
        return None
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
