"""web/persisted-documents.json, the trusted documents: up to date, in the preset's format."""

from __future__ import annotations

import hashlib
import json

from cli.documents import MANIFEST, OPERATIONS, manifest, render
from web.persisted import read_manifest


def test_manifest_matches_the_operations() -> None:
    assert MANIFEST.read_text() == render(manifest()), "run `make clients`"


def test_manifest_maps_each_operations_sha256_to_its_text() -> None:
    documents = json.loads(MANIFEST.read_text())

    assert len(documents) == len(list(OPERATIONS.glob("*.graphql")))
    for digest, text in documents.items():
        assert hashlib.sha256(text.encode()).hexdigest() == digest


def test_packaged_manifest_is_the_one_make_clients_writes() -> None:
    # GIVEN no manifest file named in the settings
    # THEN the one packaged beside web/persisted.py is read: the one `make clients` wrote
    packaged = read_manifest(None)
    assert {digest: document.text for digest, document in packaged.items()} == json.loads(
        MANIFEST.read_text()
    )
