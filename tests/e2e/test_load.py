"""A bounded load test of `catalog serve` on loopback: 50 clients for 20 s, reads and admin writes.

The server is the real command over its own DynamoDB Local. Each client owns the
products it creates, so the last acknowledged state of each is known; the categories
are shared, so their counts see every client's writes at once. Afterwards every
acknowledged write must be readable as acknowledged, and every count exact. Latency
and throughput are printed as information: the local server runs synchronous
DynamoDB calls on one event loop, so it serves one request at a time.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.e2e.cli.conftest import Served, cli_env

T = TypeVar("T")
CLIENTS = 50
DURATION_SECONDS = 20
CATEGORIES = 6
PRODUCT = "id name price stock categoryId deletedAt version"
UPSERT_PRODUCT = f"""
mutation ($input: UpsertProductInput!) {{ upsertProduct(input: $input) {{ {PRODUCT} }} }}
"""
DELETE_PRODUCT = "mutation ($id: ID!) { deleteProduct(id: $id) { id deletedAt } }"
RESTORE_PRODUCT = f"mutation ($id: ID!) {{ restoreProduct(id: $id) {{ {PRODUCT} }} }}"
UPSERT_CATEGORY = "mutation ($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id } }"
GET_PRODUCT = f"""
query ($id: ID!) {{ product(id: $id, includeDeleted: true) {{ {PRODUCT} }} }}
"""
PUBLIC_READS = [
    ("query ($id: ID!) { product(id: $id) { id name price category { name } } }", "product"),
    ("{ products(first: 20) { edges { node { id name price } } } }", None),
    ("{ categories(first: 20) { edges { node { id name productCount } } } }", None),
    (
        "query ($c: ID!) { category(id: $c) { productCount "
        "products(first: 20) { edges { node { id name } } } } }",
        "category",
    ),
]
CATEGORY_PAGE = """
query ($id: ID, $after: String) {
  products(first: 100, categoryId: $id, after: $after) {
    edges { node { id } } pageInfo { hasNextPage endCursor }
  }
}
"""
ALL_CATEGORIES = """
query ($after: String) {
  categories(first: 100, after: $after, includeDeleted: true) {
    edges { node { id productCount } } pageInfo { hasNextPage endCursor }
  }
}
"""


@dataclass
class Tally:
    """What the clients saw: every request's latency, status and error codes."""

    latencies: list[float] = field(default_factory=list)
    server_errors: list[tuple[int, str]] = field(default_factory=list)
    error_codes: list[tuple[str, str]] = field(default_factory=list)
    writes: int = 0


class Client:
    """One of the concurrent clients: public reads and admin writes of its own products."""

    def __init__(self, http: httpx.AsyncClient, tally: Tally, categories: list[str], seed: int):
        self.http = http
        self.tally = tally
        self.categories = categories
        self.random = random.Random(seed)
        # The products this client created, each as its last acknowledged write left it.
        self.owned: dict[str, dict[str, Any]] = {}
        self.number = seed

    async def call(self, query: str, variables: dict[str, Any], admin: bool) -> Any:
        path = "/admin/graphql" if admin else "/graphql"
        started = time.perf_counter()
        response = await self.http.post(path, json={"query": query, "variables": variables})
        self.tally.latencies.append(time.perf_counter() - started)
        if response.status_code >= 500:
            self.tally.server_errors.append((response.status_code, response.text[:200]))
            return None
        body = response.json()
        for error in body.get("errors") or []:
            self.tally.error_codes.append(((error.get("extensions") or {}).get("code"), query))
        return None if body.get("errors") else body["data"]

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            if self.random.random() < 0.6 or not self.owned:
                await self.read()
            await self.write()

    async def read(self) -> None:
        query, needs = self.random.choice(PUBLIC_READS)
        variables: dict[str, Any] = {}
        if needs == "product":
            variables["id"] = self.random.choice(list(self.owned) or ["none"])
        elif needs == "category":
            variables["c"] = self.random.choice(self.categories)
        await self.call(query, variables, admin=False)

    async def write(self) -> None:
        choice = self.random.random()
        if choice < 0.3 or not self.owned:
            return await self.create()
        product_id = self.random.choice(list(self.owned))
        deleted = self.owned[product_id]["deletedAt"] is not None
        if deleted:
            data = await self.call(RESTORE_PRODUCT, {"id": product_id}, admin=True)
            return self.acknowledge(data and data["restoreProduct"])
        if choice < 0.8:
            changes = {
                "price": f"{self.random.randint(1, 99999) / 100}",
                "stock": self.random.randint(0, 500),
                "categoryId": self.random.choice([*self.categories, None]),
            }
            data = await self.call(UPSERT_PRODUCT, {"input": {"id": product_id, **changes}}, True)
            return self.acknowledge(data and data["upsertProduct"])
        data = await self.call(DELETE_PRODUCT, {"id": product_id}, admin=True)
        if data:
            # A soft delete answers with its time; the version is one more than before.
            state = dict(self.owned[product_id])
            state.update(deletedAt=data["deleteProduct"]["deletedAt"], version=state["version"] + 1)
            self.acknowledge(state)

    async def create(self) -> None:
        product_id = f"load-{self.number}-{len(self.owned)}"
        fields = {
            "id": product_id,
            "name": f"Load {self.number} {len(self.owned)}",
            "price": "10.00",
            "categoryId": self.random.choice([*self.categories, None]),
        }
        data = await self.call(UPSERT_PRODUCT, {"input": fields}, admin=True)
        self.acknowledge(data and data["upsertProduct"])

    def acknowledge(self, state: dict[str, Any] | None) -> None:
        if state:
            self.tally.writes += 1
            self.owned[state["id"]] = state


async def load(url: str) -> tuple[Tally, list[Client], float]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        setup = Client(http, Tally(), [], seed=-1)
        categories = []
        for i in range(CATEGORIES):
            data = await setup.call(
                UPSERT_CATEGORY, {"input": {"id": f"load-c{i}", "name": f"Load {i}"}}, True
            )
            categories.append(data["upsertCategory"]["id"])
        tally = Tally()
        clients = [Client(http, tally, categories, seed) for seed in range(CLIENTS)]
        started = time.monotonic()
        await asyncio.gather(*(client.run(started + DURATION_SECONDS) for client in clients))
        return tally, clients, time.monotonic() - started


async def read_back(
    url: str, clients: list[Client]
) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Differences from the acknowledged states, and each category's (count, listed)."""
    differences = []
    counts: dict[str, tuple[int, int]] = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:

        async def admin(query: str, variables: dict[str, Any]) -> Any:
            response = await http.post(
                "/admin/graphql", json={"query": query, "variables": variables}
            )
            body = response.json()
            assert response.status_code == 200, body
            assert not body.get("errors"), body
            return body["data"]

        for client in clients:
            for product_id, acknowledged in client.owned.items():
                stored = (await admin(GET_PRODUCT, {"id": product_id}))["product"]
                if not same(stored, acknowledged):
                    differences.append(f"{product_id}: acknowledged {acknowledged}, read {stored}")

        async def pages(query: str, field: str, variables: dict[str, Any]) -> list[Any]:
            nodes, after = [], None
            while True:
                data = (await admin(query, {**variables, "after": after}))[field]
                nodes += [edge["node"] for edge in data["edges"]]
                if not data["pageInfo"]["hasNextPage"]:
                    return nodes
                after = data["pageInfo"]["endCursor"]

        for category in await pages(ALL_CATEGORIES, "categories", {}):
            listed = await pages(CATEGORY_PAGE, "products", {"id": category["id"]})
            counts[category["id"]] = (category["productCount"], len(listed))
    return differences, counts


def same(stored: dict[str, Any] | None, acknowledged: dict[str, Any]) -> bool:
    if stored is None:
        return False
    return (
        stored["name"] == acknowledged["name"]
        and Decimal(stored["price"]) == Decimal(acknowledged["price"])
        and stored["stock"] == acknowledged["stock"]
        and stored["categoryId"] == acknowledged["categoryId"]
        and stored["version"] == acknowledged["version"]
        and (stored["deletedAt"] is None) == (acknowledged["deletedAt"] is None)
    )


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a loop of its own. Not `asyncio.run`: it leaves the main thread without a
    current loop, and Mangum's handler, called by later tests, asks for one."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`catalog serve` on a free loopback port, over the DynamoDB Local it starts itself."""
    (tmp_path / "serve").mkdir()
    server = Served(tmp_path / "serve", tmp_path, cli_env())
    yield server
    server.stop()


def test_serve_under_load_loses_no_write_and_never_fails(served: Served) -> None:
    assert "DynamoDB Local at" in served.stdout(), served.output()

    tally, clients, elapsed = run(load(served.url))
    differences, counts = run(read_back(served.url, clients))

    latencies = sorted(tally.latencies)
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"\nload: {CLIENTS} clients, {elapsed:.1f} s, {len(latencies)} requests "
        f"({len(latencies) / elapsed:.0f}/s), {tally.writes} acknowledged writes, "
        f"p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, "
        f"{sum(len(c.owned) for c in clients)} products checked, {len(counts)} categories"
    )
    assert tally.server_errors == []
    assert [code for code, _ in tally.error_codes] == []
    assert differences == []
    assert {cid: pair for cid, pair in counts.items() if pair[0] != pair[1]} == {}
    assert tally.writes > 0
