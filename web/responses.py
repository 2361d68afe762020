"""What the transport answers on its own: coded JSON errors, and `no-store` for the admin route."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

JSON = b"application/json"
JSON_CONTENT = (b"content-type", JSON)


async def send_response(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [length, *headers]})
    await send({"type": "http.response.body", "body": body})


class CodedError:
    """An ASGI answer with a GraphQL-shaped error, for a request that never reached GraphQL."""

    def __init__(self, message: str, status: int, code: str = "BAD_USER_INPUT") -> None:
        self.message = message
        self.status = status
        self.code = code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        answer = json.dumps(body, separators=(",", ":")).encode()
        await send_response(send, self.status, answer, [JSON_CONTENT])


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
            message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
        await send(message)

    return send_no_store
