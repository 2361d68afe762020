"""`catalog serve` seeds a DynamoDB Local that is still warming up: a few tries."""

from __future__ import annotations

import pytest

from cli import serve
from errors import ServiceUnavailable


def test_the_seed_is_tried_again_while_the_store_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve.time, "sleep", lambda _: None)
    outcomes: list[Exception | str] = [ServiceUnavailable("slow"), ServiceUnavailable("slow")]

    def seed() -> str:
        outcome = outcomes.pop(0) if outcomes else "seeded"
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert serve._patiently(seed) == "seeded"


def test_the_seed_gives_up_after_its_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve.time, "sleep", lambda _: None)
    tries: list[int] = []

    def seed() -> str:
        tries.append(1)
        raise ServiceUnavailable("down")

    with pytest.raises(ServiceUnavailable):
        serve._patiently(seed)
    assert len(tries) == serve.SEED_TRIES
