"""A `catalog serve` for the client and browser tests: a user's local server, seeded."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import Served, cli_env

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalog_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`catalog serve --port 0` over the DynamoDB Local it starts, stopped after the module."""
    served = Served(tmp_path_factory.mktemp("catalog"), tmp_path_factory.mktemp("logs"), cli_env())
    yield served
    assert served.stop(signal.SIGTERM) == 0, served.output()
