"""DynamoDB faults injected into the models' botocore clients, and a DynamoDB that never answers.

Faults act at `before-send`, once per HTTP attempt, so botocore's own retry logic
(standard mode, backoff with jitter) runs on them exactly as it would on AWS's answers.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.response import HTTPResponse

from models import MODELS
from store import compat

ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
# What no client may read in an error: AWS's words, our tables, hosts and internals.
SECRETS = (
    "exception",
    "throttl",
    "provisioned",
    "transaction",
    "dynamodb",
    "amazonaws",
    "botocore",
    "pynamodb",
    "timeout",
    "traceback",
    "catalog-products",
    "catalog-categories",
    "127.0.0.1",
    "http://",
    "fault-request",
)

Fault = Callable[[Any, Any], Any]


def error_response(status: int, error_type: str, message: str, **extra: Any) -> Fault:
    """A fault that answers like DynamoDB does with an error: JSON with `__type`."""
    body = json.dumps({"__type": ERROR_PREFIX + error_type, "message": message, **extra})

    def answer(request: Any, _client: Any) -> AWSResponse:
        raw = HTTPResponse(body=io.BytesIO(body.encode()), status=status, preload_content=False)
        headers = {
            "x-amzn-RequestId": "fault-request",
            "Content-Type": "application/x-amz-json-1.0",
        }
        return AWSResponse(request.url, status, headers, raw)

    return answer


def throttled(code: str = "ProvisionedThroughputExceededException") -> Fault:
    return error_response(400, code, "Rate of requests exceeds the allowed throughput.")


def cancelled(*reasons: str) -> Fault:
    """A TransactWriteItems cancelled with one reason per item, in request order."""
    return error_response(
        400,
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{', '.join(reasons)}]",
        CancellationReasons=[{"Code": code} for code in reasons],
    )


def read_timeout(request: Any, _client: Any) -> None:
    raise ReadTimeoutError(endpoint_url=request.url)


def connect_timeout(request: Any, _client: Any) -> None:
    raise ConnectTimeoutError(endpoint_url=request.url)


def answer_lost(request: Any, client: Any) -> None:
    """DynamoDB applies the request, but its answer never arrives."""
    client._endpoint.http_session.send(request)
    raise ReadTimeoutError(endpoint_url=request.url)


@dataclass
class FaultInjector:
    """Planned faults per DynamoDB operation, and the HTTP attempts of each."""

    attempts: Counter[str] = field(default_factory=Counter)
    _plans: dict[str, list[Fault | None]] = field(default_factory=dict)
    _always: dict[str, Fault] = field(default_factory=dict)

    def always(self, operation: str, fault: Fault) -> None:
        """Every attempt of `operation` meets `fault`; attempts are counted from now."""
        self._always[operation] = fault
        self.attempts[operation] = 0

    def then(self, operation: str, *faults: Fault | None) -> None:
        """The next attempts of `operation` meet these faults (None: no fault), in order.

        Attempts are counted from now.
        """
        self._plans.setdefault(operation, []).extend(faults)
        self.attempts[operation] = 0

    def clear(self) -> None:
        self._plans.clear()
        self._always.clear()

    def _before_send(self, client: Any) -> Callable[..., Any]:
        def handler(request: Any, event_name: str, **_: Any) -> Any:
            operation = event_name.rsplit(".", 1)[-1]
            self.attempts[operation] += 1
            plan = self._plans.get(operation)
            fault = plan.pop(0) if plan else self._always.get(operation)
            return fault(request, client) if fault else None

        return handler

    @contextmanager
    def installed(self) -> Iterator[FaultInjector]:
        clients = {id(c): c for c in (compat.connection(m).client for m in MODELS)}
        handlers = [(client, self._before_send(client)) for client in clients.values()]
        for client, handler in handlers:
            # First, so a fault answers before anything else looks at the request.
            client.meta.events.register_first("before-send.dynamodb", handler)
        try:
            yield self
        finally:
            for client, handler in handlers:
                client.meta.events.unregister("before-send.dynamodb", handler)


@contextmanager
def silent_dynamodb(*, accepts: bool) -> Iterator[str]:
    """An endpoint on loopback that never answers.

    With `accepts`, connections are accepted (by the kernel) and then nothing is ever
    sent back: every attempt ends in a read timeout. Without, the accept queue is
    full, so the kernel drops new connection requests: every attempt ends in a
    connect timeout, as with a black-holed address.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128 if accepts else 0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    if not accepts:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.2)  # let the kernel queue them
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for sock in [*fillers, listener]:
            sock.close()
