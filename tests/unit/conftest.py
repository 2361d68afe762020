"""The unit tier: pure logic only. No database is started, and none can be reached."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails any test that opens a connection, so a unit test cannot quietly need storage.

    The connection is refused where it is made and the test failed afterwards, since a
    resolver's error can be masked into the GraphQL response the test is reading.
    """
    attempts: list[Any] = []

    def refuse(*args: Any) -> Any:
        attempts.append(args[1] if isinstance(args[0], socket.socket) else args[:2])
        raise ConnectionRefusedError(f"unit tests reach no network (tried {attempts[-1]})")

    # Name resolution too: it comes before any connection, and fails slowly offline.
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield
    if attempts:
        pytest.fail(
            f"this test reached for the network ({attempts}): it belongs in tests/functional/"
        )
