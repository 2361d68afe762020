"""moto's server for `catalog serve`'s sidecars (S3, DynamoDB), answering only its own Host
and the origins it is given.

moto's server answers any Host, needs no credentials, and its CORS echoes any Origin: a
web page could PUT HTML into the local bucket, and with DNS rebinding (a page whose name
is made to resolve to 127.0.0.1) rename products. Like the dev server (cli/gateway.py's
AllowedHosts), a sidecar here answers 421 to a Host other than its own, 403 to a request
from a browser page of another origin, and names only an allowed origin in its CORS
headers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from cli.gateway import served_hosts

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# The CORS headers moto answers itself (`*` or the request's Origin), replaced by ours.
_CORS_ORIGIN_HEADERS = frozenset(
    {"access-control-allow-origin", "access-control-allow-credentials"}
)


class SidecarGuard:
    """WSGI middleware: the Host must be one of `hosts`; an Origin, one of `origins`."""

    def __init__(self, app: WSGIApp, hosts: set[str], origins: set[str]) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}
        self.origins = set(origins)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        host = str(environ.get("HTTP_HOST", "")).lower()
        if host not in self.hosts:
            return _refuse(start_response, "421 Misdirected Request", "not this server's host")
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in self.origins:
            return _refuse(start_response, "403 Forbidden", "origin not allowed")

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() not in _CORS_ORIGIN_HEADERS]
            if origin is not None:
                kept += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            return start_response(status, kept, exc_info)

        return self.app(environ, start)


def _refuse(start_response: Callable[..., Any], status: str, reason: str) -> list[bytes]:
    body = f"{status}: {reason}\n".encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class GuardedMotoServer:
    """moto's server app on 127.0.0.1:`port` in a thread, behind SidecarGuard."""

    def __init__(self, port: int, origins: Iterable[str] = ()) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        app = SidecarGuard(
            DomainDispatcherApplication(create_backend_app),
            served_hosts("127.0.0.1", port),
            set(origins),
        )
        self._server = make_server(
            "127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
