"""Writes web/persisted-documents.json (the trusted documents) and web/graphiql-tabs.json
(GraphiQL's example tabs) from clients/operations.

The format is GraphQL Code Generator's client preset's (`persistedDocuments`): a JSON
object from the SHA-256 (hex) of each operation's printed text to that text. The text
is the document as graphql-js 16 prints it (graphql-core's printer, with its one
difference undone), which is what Apollo Client and urql hash for persisted queries, so
a client that sends the manifest's documents sends hashes the manifest knows. `make
clients` runs this.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from graphql import parse, print_ast

REPO = Path(__file__).resolve().parents[1]
OPERATIONS = REPO / "clients" / "operations"
MANIFEST = REPO / "web" / "persisted-documents.json"


# graphql-core 3.3 prints an object value as graphql-js 17 does, `{ a: 1 }`; the clients
# (Apollo Client 4, urql, GraphQL Code Generator) print with graphql-js 16: `{a: 1}`.
_OBJECT_OPEN = re.compile(r"\{ (?=\S)")
_OBJECT_CLOSE = re.compile(r"(?<=\S) \}")


def printed(source: str) -> str:
    """A document as graphql-js 16 prints it: comments and layout are not part of its hash."""
    return _OBJECT_CLOSE.sub("}", _OBJECT_OPEN.sub("{", print_ast(parse(source))))


def manifest(operations: Path = OPERATIONS) -> dict[str, str]:
    """SHA-256 hex of each operation's printed text -> the text, sorted by file name."""
    documents = {}
    for path in sorted(operations.glob("*.graphql")):
        text = printed(path.read_text())
        documents[hashlib.sha256(text.encode()).hexdigest()] = text
    return documents


def render(documents: dict[str, str]) -> str:
    return json.dumps(documents, indent=2) + "\n"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else MANIFEST
    target.write_text(render(manifest()))
    print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
    if len(sys.argv) == 1:
        from web.graphiql import TABS, render_tabs

        TABS.write_text(render_tabs())
        print(f"wrote {TABS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
