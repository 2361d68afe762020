"""What the transport sends: headers for caching and encoding, 304s, and coded errors."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import TYPE_CHECKING

from web.negotiation import JSON

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

Header = tuple[bytes, bytes]

JSON_CONTENT = (b"content-type", JSON.encode())
# Every GraphQL answer depends on these request headers: a shared cache must key on them.
VARY = (b"vary", b"Accept, Accept-Encoding")
NO_STORE = (b"cache-control", b"no-store")
# Smaller answers gain less from gzip than its header and CPU cost them.
GZIP_MIN_BYTES = 1024


async def send_response(send: Send, status: int, body: bytes, headers: list[Header]) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [length, *headers]})
    await send({"type": "http.response.body", "body": body})


async def send_not_modified(send: Send, headers: list[Header]) -> None:
    """A 304: the client's copy is current; no body, and no length of one."""
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def content_type(media_type: str) -> Header:
    """The Content-Type header of an answer in `media_type`, always UTF-8 JSON."""
    return (b"content-type", f"{media_type}; charset=utf-8".encode())


def entity_tag(body: bytes) -> str:
    """A strong ETag: the same bytes get the same tag, on every container."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag`, its gzip variant, or `*`."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip().removeprefix("W/")
        if candidate in ("*", tag, gzip_tag(tag)):
            return True
    return False


def gzip_tag(tag: str) -> str:
    """The ETag of the gzip-encoded representation: a different one, as RFC 9110 asks."""
    return tag[:-1] + '-gzip"'


def compress(body: bytes) -> bytes:
    """gzip without a timestamp, so the same answer compresses to the same bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0)


class CodedError:
    """An ASGI answer with a GraphQL-shaped error, for a request that never reached GraphQL."""

    def __init__(
        self,
        message: str,
        status: int,
        code: str = "BAD_USER_INPUT",
        headers: tuple[Header, ...] = (),
        *,
        document_error: bool = False,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.headers = headers
        # A well-formed request whose document cannot run: legacy JSON clients get a 200.
        self.document_error = document_error

    def body(self) -> bytes:
        """The answer's JSON: `errors` only, since no operation ran."""
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        return json.dumps(body, separators=(",", ":")).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Some error statuses (405 among them) are cacheable by default (RFC 9110 15.1).
        headers = [JSON_CONTENT, NO_STORE, *self.headers]
        await send_response(send, self.status, self.body(), headers)


def too_large(limit: int) -> CodedError:
    """The 413 for a body over `limit` bytes."""
    return CodedError(f"The request body exceeds the maximum of {limit} bytes.", 413)


def no_store(send: Send) -> Send:
    """`send`, with every response marked `Cache-Control: no-store`."""

    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if name.lower() != b"cache-control"
            ]
            message = {**message, "headers": [*headers, NO_STORE]}
        await send(message)

    return send_no_store
