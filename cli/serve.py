"""`catalog serve`: the Lambda's app on uvicorn, over a local DynamoDB it starts when needed."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TypeVar

import uvicorn
from starlette.types import ASGIApp

from cli.dynamodb_local import LocalDynamoDB, Unavailable
from cli.local_s3 import BUCKET, LocalS3, base_url

T = TypeVar("T")

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"
DATA_DIR = Path(".data") / "dynamodb"
IMAGES_DIR = Path(".data") / "s3"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Credentials for a DynamoDB we started: it accepts any, and real ones must not go there.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class Stopped(BaseException):
    """Ctrl-C or SIGTERM arrived: stop serving, then stop what we started.

    A BaseException, like KeyboardInterrupt: botocore retries a request that raised
    any Exception, and would carry on through the signal.
    """


def serve(host: str, port: int) -> int:
    """Serve /graphql and /admin/graphql until Ctrl-C or SIGTERM; the exit status."""
    listener = _listen(host, port)
    if listener is None:
        return 1
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
    storage: LocalDynamoDB | None = None
    images: LocalS3 | None = None
    images_dir: Path | None = None
    # Local development is where "Did you mean ...?" hints help; deployed, they are off.
    os.environ.setdefault("CATALOG_FIELD_SUGGESTIONS", "true")
    try:
        endpoint = os.environ.get(ENDPOINT_VARIABLE, "").strip()
        if endpoint:
            print(f"DynamoDB at {endpoint} ({ENDPOINT_VARIABLE})", flush=True)
        else:
            storage = _start_storage(DATA_DIR)
            _use_storage(storage)
        if not os.environ.get("CATALOG_IMAGES_BUCKET", "").strip():
            # Files kept beside the rows they belong to, when they are ours to keep:
            # not beside moto's in-memory rows, nor beside another DynamoDB's.
            kept = storage is not None and storage.kind == "dynamodb-local"
            images_dir = IMAGES_DIR if kept else None
            images = _start_images(images_dir, _origins(host, listener.getsockname()[1]))
        port = listener.getsockname()[1]
        app, graphiql = _prepare_app(host, port, images, images_dir)
        config = uvicorn.Config(app, lifespan="off", timeout_graceful_shutdown=5)
        # uvicorn sets up its loggers in Config(): the filter goes on after.
        logging.getLogger("uvicorn.access").addFilter(_without_query_string)
        server = _Server(config, announcement=_announcement(host, port, graphiql))
        # uvicorn handles the signals while it runs, then raises them again here.
        server.run(sockets=[listener])
    except Stopped:
        pass
    finally:
        # A second Ctrl-C must not cut the clean-up short and leave Java running.
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        listener.close()
        if images is not None:
            if images_dir is not None:
                images.save(images_dir)
            images.stop()
        if storage is not None:
            storage.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


class _Server(uvicorn.Server):
    """uvicorn's server, saying where it serves once it does."""

    def __init__(self, config: uvicorn.Config, announcement: str) -> None:
        super().__init__(config)
        self.announcement = announcement

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(self.announcement, flush=True)


def _without_query_string(record: logging.LogRecord) -> bool:
    """Log a request's path and status, never its query string: a GET's variables are there."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        client, method, path, version, status = args
        record.args = (client, method, str(path).split("?", 1)[0], version, status)
    return True


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def _listen(host: str, port: int) -> socket.socket | None:
    """The bound listener, warning when it is reachable from other machines; None if it fails."""
    try:
        listener = _bind(host, port)
    except OSError as error:
        print(f"catalog serve: cannot listen on {host}:{port}: {error}", file=sys.stderr)
        return None
    if not _is_loopback(host):
        print(
            f"catalog serve: warning: anyone who can reach {host}:{port} is an admin on "
            "/admin/graphql; bind 127.0.0.1 unless that is what you want.",
            file=sys.stderr,
        )
    return listener


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before anything starts so a busy port fails fast."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _start_storage(data_dir: Path) -> LocalDynamoDB:
    """AWS's DynamoDB Local with its data in `data_dir`; moto in memory if it cannot run."""
    try:
        storage = LocalDynamoDB.start_dynamodb_local(data_dir=data_dir)
    except Unavailable as reason:
        storage = LocalDynamoDB.start_moto()
        print(
            f"catalog serve: DynamoDB Local is unavailable ({reason}); using moto's "
            "in-memory DynamoDB instead: data is lost when the server stops.",
            file=sys.stderr,
            flush=True,
        )
        return storage
    print(f"DynamoDB Local at {storage.endpoint_url}, data in {data_dir.resolve()}", flush=True)
    return storage


def _use_storage(storage: LocalDynamoDB) -> None:
    """Point this process's environment at `storage`, before the settings are read from it."""
    os.environ[ENDPOINT_VARIABLE] = storage.endpoint_url
    os.environ.update(LOCAL_CREDENTIALS)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def _origins(host: str, port: int) -> set[str]:
    """The origins of this server's pages: the only ones the local S3 lets a browser use."""
    from cli.gateway import served_hosts

    return {f"http://{served}" for served in served_hosts(host, port)}


def _start_images(data_dir: Path | None, origins: set[str]) -> LocalS3:
    """moto's S3 with the images bucket, filled from `data_dir`; the environment pointed at it."""
    images = LocalS3.start(origins)
    os.environ["AWS_ENDPOINT_URL_S3"] = images.endpoint_url
    os.environ["CATALOG_IMAGES_BUCKET"] = BUCKET
    os.environ["CATALOG_IMAGES_BASE_URL"] = base_url(images.endpoint_url)
    where = "in memory: lost when the server stops"
    if data_dir is not None:
        loaded = images.load(data_dir)
        where = f"{loaded} files in {data_dir.resolve()}"
    print(f"S3 (moto) at {images.endpoint_url}, bucket {BUCKET}, {where}", flush=True)
    return images


def _prepare_app(
    host: str, port: int, images: LocalS3 | None, images_dir: Path | None
) -> tuple[ASGIApp, bool]:
    """Create missing tables, seed an empty catalog, and build the app; whether it has GraphiQL."""
    import compose
    from cli.gateway import AllowedHosts, LocalGateway, served_hosts
    from cli.graphiql import LocalGraphiQL, Unavailable, local_page
    from cli.local_s3 import SavesImages
    from cli.seed import catalog_is_empty, seed
    from cli.tables import create_tables
    from settings import Settings
    from web.routes import ADMIN_PATH

    # Read once, now that the environment names the local DynamoDB and S3.
    settings = Settings.from_env()
    compose.bind_store(settings)
    for table, created in create_tables():
        if created:
            print(f"Created table {table}", flush=True)
    if catalog_is_empty():
        report = _patiently(seed)
        print(f"Seeded the sample catalog ({'; '.join(report.lines())})", flush=True)
        for failure in report.failures:
            print(f"catalog serve: not seeded: {failure}", file=sys.stderr, flush=True)
    page = None
    if settings.graphiql:
        try:
            page = local_page()
        except Unavailable as reason:
            print(f"catalog serve: GraphiQL loads from the CDN: {reason}", file=sys.stderr)
    app: ASGIApp = LocalGateway(
        compose.app(settings, graphql_ide_page=page, observed=False), settings.admin_group
    )
    if images is not None and images_dir is not None:
        images.save(images_dir)
        app = SavesImages(app, images, images_dir, ADMIN_PATH)
    if page is not None:
        app = LocalGraphiQL(app, page)
    return AllowedHosts(app, served_hosts(host, port)), settings.graphiql


def _announcement(host: str, port: int, graphiql: bool) -> str:
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    ide = "GraphiQL" if graphiql else "GraphQL"
    return (
        f"{ide} at {base}/graphql (public), admin at {base}/admin/graphql. Ctrl-C stops the server."
    )


# A DynamoDB Local just started answers its first requests slowly while its JVM warms
# up (on a loaded two-core machine a GetItem of the first seed ran past botocore's 2 s
# read timeout three times): the seed, which is safe to run again, gets a few tries.
SEED_TRIES = 4


def _patiently(seed: Callable[[], T]) -> T:
    from errors import ServiceUnavailable

    for attempt in range(1, SEED_TRIES + 1):
        try:
            return seed()
        except ServiceUnavailable as error:
            if attempt == SEED_TRIES:
                raise
            print(f"catalog serve: seeding again ({error})", file=sys.stderr, flush=True)
            time.sleep(attempt)
    raise AssertionError("the last try returns or raises")
