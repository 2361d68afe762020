"""The per-container caches: bounded in bytes as well as entries, whatever clients send."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import get_introspection_query, parse

import compose
from bench.events import LambdaContext, load_event
from schema import caches, parsing
from schema.caches import (
    APQ_CACHE_BYTES,
    DOCUMENT_CACHE_BYTES,
    LIMITS_CACHE_BYTES,
    NEGOTIATION_CACHE_BYTES,
    TOTAL_CACHE_BYTES,
    BoundedCache,
    document_bytes,
)
from schema.limits import KnownWithinLimits, Measured
from tests.client import DEFAULT_SETTINGS
from web.persisted import AutomaticPersistedQueries, sha256

# One character outside the Basic Multilingual Plane makes CPython store every
# character of the string in 4 bytes.
WIDE = "\U0001f600"
MIB = 1024 * 1024
PAGE = "edges { node { id name } }"


def deep_size(root: object) -> int:
    """What `root` keeps alive, every object counted once (classes and modules excluded)."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type) or type(item).__name__ == "module":
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        stack.extend(gc.get_referents(item))
    return total


def rss_bytes() -> int:
    """The process's resident memory, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_bounded_cache_drops_the_least_recently_used_past_its_bytes() -> None:
    cache: BoundedCache[str, str] = BoundedCache(max_entries=100, max_bytes=3000)
    cache.put("a", "A", 1000)
    cache.put("b", "B", 1000)
    assert cache.get("a") == "A"

    cache.put("c", "C", 1000)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.bytes <= 3000


def test_bounded_cache_keeps_nothing_larger_than_its_bytes() -> None:
    cache: BoundedCache[str, str] = BoundedCache(max_entries=100, max_bytes=3000)
    cache.put("a", "A", 10)

    cache.put("huge", "H", 5000)

    assert (cache.get("a"), cache.get("huge"), len(cache)) == ("A", None, 1)


def test_caches_together_hold_at_most_32_mib() -> None:
    shares = APQ_CACHE_BYTES + DOCUMENT_CACHE_BYTES + LIMITS_CACHE_BYTES + NEGOTIATION_CACHE_BYTES
    assert shares <= TOTAL_CACHE_BYTES == 32 * MIB


@pytest.mark.parametrize(
    "text",
    [
        "{ __typename }",
        get_introspection_query(),
        "# " + "x" * 100_000 + "\n{ __typename }",
        "# " + WIDE * 30_000 + "\n{ __typename }",
        '{ a(b: "' + WIDE + "s" * 20_000 + '") }',
        "query Q($a: Int) { "
        + " ".join(f"f{i}: products(first: $a) {{ {PAGE} }}" for i in range(60))
        + " }",
    ],
    ids=["tiny", "introspection", "comment", "wide-comment", "wide-string", "many-tokens"],
)
def test_document_cost_is_at_least_what_the_parsed_document_holds(text: str) -> None:
    document = parse(text)

    assert document_bytes(text, document) >= deep_size(document)


def test_apq_store_counts_four_bytes_a_character() -> None:
    store = AutomaticPersistedQueries(1000, max_bytes=MIB)
    text = WIDE + "x" * 100_000

    for number in range(5):
        store.put(f"{number:064x}", f"{number}{text}")

    # 100,000 characters stored 4 bytes each: two fit in 1 MiB, not ten.
    assert store.bytes <= MIB
    assert [store.get(f"{n:064x}") is not None for n in range(5)] == [False] * 3 + [True] * 2


def test_limits_cache_is_bounded_in_bytes() -> None:
    known = KnownWithinLimits(size=512, max_bytes=MIB)
    for number in range(50):
        known.add(f"# {number}{WIDE * 50_000}\n{{ a }}", Measured([], frozenset(), {None: 0}), {})

    assert known.bytes <= MIB


@dataclass
class Container:
    """A Lambda container's handler, built afresh, and the caches a request can fill."""

    handler: Any
    apq: AutomaticPersistedQueries
    known: KnownWithinLimits

    def post(self, body: dict[str, Any]) -> int:
        event = load_event("http-v2")
        event["body"] = json.dumps(body)
        status: int = self.handler(event, LambdaContext())["statusCode"]
        return status


@pytest.fixture
def container() -> Iterator[Container]:
    """A handler with empty caches and the deployed defaults' bounds, as a new container has."""
    handler = compose.api(DEFAULT_SETTINGS)
    # Mangum -> Observed -> CatalogApp, which owns the APQ store; the schema, the
    # requests known within the limits.
    app = handler.app.app
    parsing.documents.clear()
    yield Container(handler, app.documents.apq, _known_within_limits(app.schema))
    parsing.documents.clear()


def _known_within_limits(schema: Any) -> KnownWithinLimits:
    from schema.limits import RequestLimits

    (factory,) = schema.extensions
    for extension in factory().parts:
        if isinstance(extension, RequestLimits):
            return extension.known
    raise AssertionError("the schema has no RequestLimits")


def _junk(number: int) -> str:
    """A comment-only document of about 130,000 characters, stored 4 bytes a character."""
    return f"# {number} {WIDE}" + "x" * 129_000 + "\n{ __typename }"


def test_finding_1_replayed_keeps_resident_memory_growth_under_100_mb(
    container: Container,
) -> None:
    # GIVEN a warm process
    container.post({"query": "{ __typename }"})
    gc.collect()
    before = rss_bytes()

    # WHEN anonymous clients register 250 APQ hashes of ~130,000 characters of junk,
    # then send 100 distinct long comment-only queries
    for number in range(250):
        text = _junk(number)
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}
        assert container.post({"query": text, "extensions": extensions}) == 200
    for number in range(250, 350):
        assert container.post({"query": _junk(number)}) == 200
    gc.collect()

    # THEN the caches hold at most their shares, and the process grew less than 100 MB
    assert rss_bytes() - before < 100 * MIB
    held = container.apq.bytes + parsing.documents.bytes + container.known.bytes
    assert held <= caches.APQ_CACHE_BYTES + caches.DOCUMENT_CACHE_BYTES + LIMITS_CACHE_BYTES
