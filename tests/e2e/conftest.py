"""Fixtures for the end-to-end tests: `catalog serve` as a user runs it, and the Node tools."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from tests.e2e.cli.conftest import Served, cli_env

NODE_PROJECT = Path(__file__).parent / "node"
NODE_TIMEOUT_SECONDS = 300


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """One moto DynamoDB for the module's servers: the HTTP rules do not depend on storage."""
    with LocalDynamoDB.start_moto() as moto:
        yield moto.endpoint_url


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory, moto_endpoint: str) -> Iterator[Any]:
    """Start `catalog serve --port 0` with extra settings; every one stopped after the module."""
    started: list[Served] = []

    def start(**env: str) -> Served:
        # moto keeps one state per process: tables of their own, so what another test
        # of this worker left in the default ones is never this server's catalog.
        tables = f"e2e-{uuid.uuid4().hex[:8]}"
        served = Served(
            tmp_path_factory.mktemp("catalog"),
            tmp_path_factory.mktemp("logs"),
            cli_env(
                AWS_ENDPOINT_URL_DYNAMODB=moto_endpoint,
                CATALOG_PRODUCTS_TABLE=f"{tables}-products",
                CATALOG_CATEGORIES_TABLE=f"{tables}-categories",
                **env,
            ),
        )
        started.append(served)
        return served

    yield start
    for served in started:
        assert served.stop(signal.SIGTERM) == 0, served.output()


def run_node(script: str, *args: str) -> Any:
    """Run one of tests/e2e/node's scripts and parse the JSON it prints."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed (make test installs it where it can; CI has it)")
    if not (NODE_PROJECT / "node_modules" / ".installed").exists():
        pytest.fail("tests/e2e/node is not installed: run `make e2e-node` (make test does)")
    result = subprocess.run(
        ["node", script, *args],
        cwd=NODE_PROJECT,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)
