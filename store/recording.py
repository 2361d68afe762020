"""A log of the DynamoDB calls botocore clients make: for the bench and the tests.

The request path reads its own stats from store/budget.py; this is for code that
watches from outside a request (a benchmark counting a handler's calls, a test
asserting which calls were made), through botocore's public event hooks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from models import MODELS
from store import compat


def model_clients() -> list[Any]:
    """The botocore clients behind the models (one per model connection), made if need be."""
    clients = {id(c): c for c in (compat.connection(m).client for m in MODELS)}
    return list(clients.values())


class CallLog:
    """The DynamoDB operations clients send, in order, with their parameters, answers
    and the capacity they consumed; `clients` defaults to the models'."""

    def __init__(self, clients: Iterable[Any] | None = None) -> None:
        self.calls: list[str] = []
        self.params: list[dict[str, Any]] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.capacity_units = 0.0
        self._clients = list(model_clients() if clients is None else clients)
        for client in self._clients:
            client.meta.events.register("before-parameter-build.dynamodb", self._before)
            client.meta.events.register("after-call.dynamodb", self._after)

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.calls)

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(model.name)
        self.params.append(params)

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.responses.append((model.name, parsed))
        consumed = parsed.get("ConsumedCapacity")
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            if isinstance(entry, dict):
                self.capacity_units += float(entry.get("CapacityUnits") or 0)

    def reset(self) -> None:
        self.calls.clear()
        self.params.clear()
        self.responses.clear()
        self.capacity_units = 0.0

    def take(self) -> list[str]:
        """The operations sent since the last take."""
        calls, self.calls = self.calls, []
        return calls

    def take_capacity(self) -> float:
        """Capacity units consumed since the last take (the app asks DynamoDB for them)."""
        units, self.capacity_units = self.capacity_units, 0.0
        return units

    def stop(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("before-parameter-build.dynamodb", self._before)
            client.meta.events.unregister("after-call.dynamodb", self._after)
