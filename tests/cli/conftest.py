"""Fixtures for the `catalog` command: run as a user runs it, in a process of its own.

Each run reads its settings afresh from the environment it is given, so one test's
endpoint never leaks into another's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cli.dynamodb_local import LocalDynamoDB

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
}


def cli_env(**overrides: str) -> dict[str, str]:
    """This process's environment without AWS or catalog settings, plus fake credentials."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "CATALOG_", "DYNAMODB_LOCAL_"))
    }
    return {**env, **FAKE_AWS, **overrides}


def catalog_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    """A moto DynamoDB server in this process, emptied first (moto's state is global)."""
    with LocalDynamoDB.start_moto() as moto:
        request = urllib.request.Request(f"{moto.endpoint_url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()
        yield moto.endpoint_url


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_catalog(tmp_path: Path) -> Run:
    """Run `catalog <args>` in a scratch directory, with `env` added to the clean one."""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            catalog_command(*args),
            env=cli_env(**env),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def catalog(run_catalog: Run, moto_endpoint: str) -> Run:
    """Run `catalog <args>` against the moto server; its output and exit status."""
    return lambda *args: run_catalog(*args, AWS_ENDPOINT_URL_DYNAMODB=moto_endpoint)


@pytest.fixture
def dynamodb(moto_endpoint: str) -> Any:
    """A boto3 DynamoDB client on the moto server, to read what the command wrote."""
    return boto3.client("dynamodb", endpoint_url=moto_endpoint, **_boto3_credentials())


def _boto3_credentials() -> dict[str, str]:
    return {
        "region_name": FAKE_AWS["AWS_REGION"],
        "aws_access_key_id": FAKE_AWS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
    }
