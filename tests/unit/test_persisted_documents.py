"""clients/persisted-documents.json, the trusted documents: up to date, in the preset's format."""

from __future__ import annotations

import hashlib
import json

from cli.documents import MANIFEST, OPERATIONS, manifest, render
from settings import MANIFEST as SETTINGS_MANIFEST


def test_manifest_matches_the_operations() -> None:
    assert MANIFEST.read_text() == render(manifest()), "run `make clients`"


def test_manifest_maps_each_operations_sha256_to_its_text() -> None:
    documents = json.loads(MANIFEST.read_text())

    assert len(documents) == len(list(OPERATIONS.glob("*.graphql")))
    for digest, text in documents.items():
        assert hashlib.sha256(text.encode()).hexdigest() == digest


def test_settings_read_the_manifest_make_clients_writes() -> None:
    assert SETTINGS_MANIFEST == MANIFEST
