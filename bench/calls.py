"""Recording and faking the DynamoDB answers of botocore clients (counting them is
store/recording.py's `CallLog`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

EVENT = "before-call.dynamodb"


class Recorder:
    """Parsed DynamoDB responses, keyed by the serialised request that got them."""

    def __init__(self, clients: Iterable[Any]) -> None:
        self.responses: dict[bytes, tuple[Any, dict[str, Any]]] = {}
        self._clients = list(clients)
        for client in self._clients:
            client.meta.events.register("after-call.dynamodb", self._after)
            client.meta.events.register(EVENT, self._remember)
        self._pending: list[bytes] = []

    def _remember(self, params: dict[str, Any], **_: Any) -> None:
        self._pending.append(params["body"])

    def _after(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        self.responses[self._pending.pop()] = (http_response, parsed)

    def stop(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("after-call.dynamodb", self._after)
            client.meta.events.unregister(EVENT, self._remember)


class InstantDynamoDB:
    """Answers each request with the response recorded for it, without any I/O.

    Hooked on botocore's `before-call`, as botocore's own Stubber is: the request is
    still built and serialised, but nothing is signed, sent or parsed, so what is
    left is the cost of the app's layers over botocore's request building.
    """

    def __init__(self, clients: Iterable[Any], responses: dict[bytes, Any]) -> None:
        self.responses = responses
        self.misses = 0
        self._clients = list(clients)
        for client in self._clients:
            client.meta.events.register_first(EVENT, self._answer)

    def _answer(self, params: dict[str, Any], **_: Any) -> Any:
        answer = self.responses.get(params["body"])
        if answer is None:
            self.misses += 1
        return answer

    def stop(self) -> None:
        for client in self._clients:
            client.meta.events.unregister(EVENT, self._answer)
