"""GraphiQL for `catalog serve` without the internet: the Lambda's page, its assets served here.

The Lambda serves Strawberry's page, opening on the catalog's example operations
(web/graphiql.py), which loads pinned versions from a CDN with Subresource Integrity.
`npm ci` in cli/graphiql-assets installs those same versions (package.json pins them),
so this serves the very files the integrity hashes name, and the page keeps them: the
browser checks the local copies too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from web.graphiql import graphiql_page

CDN = "https://unpkg.com/"
ASSETS_PATH = "/graphiql-assets/"
NODE_MODULES = Path(__file__).resolve().parent / "graphiql-assets" / "node_modules"
# `<base><package>@<version>/<file>`, the form of every asset URL in the page.
_ASSET = r"((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/([\w./-]+)"


class Unavailable(Exception):
    """The assets are not installed, or not in the versions the page asks for."""


def cdn_page() -> str:
    """The page the Lambda serves: Strawberry's GraphiQL from the CDN, opening on the
    example operations (web/graphiql.py)."""
    return graphiql_page()


def local_page() -> str:
    """Strawberry's page with each CDN asset replaced by its local copy."""
    page = cdn_page()
    for package, version, _file in re.findall(re.escape(CDN) + _ASSET, page):
        installed = _installed_version(package)
        if installed != version:
            raise Unavailable(
                f"{package}@{version} is not installed (found {installed}): "
                "run `make graphiql` (npm ci in cli/graphiql-assets)"
            )
    return page.replace(CDN, ASSETS_PATH)


def _installed_version(package: str) -> str | None:
    try:
        manifest = json.loads((NODE_MODULES / package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    version = manifest.get("version")
    return version if isinstance(version, str) else None


class LocalGraphiQL:
    """Serve the page's assets (and their packages' licenses) under /graphiql-assets/."""

    def __init__(self, app: ASGIApp, page: str) -> None:
        self.app = app
        # Only the files the page names, and beside each its package's license and
        # manifest (which names the license where no LICENSE file ships).
        self.files: dict[str, Path] = {}
        for package, version, file in re.findall(re.escape(ASSETS_PATH) + _ASSET, page):
            root = f"{ASSETS_PATH}{package}@{version}/"
            for name in (file, "LICENSE", "package.json"):
                self.files[root + name] = NODE_MODULES / package / name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(ASSETS_PATH):
            return await self.app(scope, receive, send)
        response: Response
        file = self.files.get(scope["path"])
        if file is not None and file.is_file():
            # Versioned paths never change: let the browser keep them.
            headers = {"Cache-Control": "public, max-age=31536000, immutable"}
            response = FileResponse(file, headers=headers)
        else:
            response = PlainTextResponse("Not found", status_code=404)
        await response(scope, receive, send)
