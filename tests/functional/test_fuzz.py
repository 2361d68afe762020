"""Property-based fuzzing of the live handler with operations generated from the schema.

hypothesis-graphql builds queries and mutations from the schema itself, valid ones
and ones with one violation each; they go through `handler.handler` in real API
Gateway events, on the public and the admin route, against DynamoDB Local (the real
DynamoDB semantics: transactions, conditions, index limits). Whatever comes in, the
server answers with a coded error or data, never a 5xx or INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from cli.dynamodb_local import LocalDynamoDB
from tests.catalog import assert_counts_match, create_category, create_product
from tests.client import DEFAULT_SETTINGS, FORMATS, ApiClient, schema_for

schema = schema_for(DEFAULT_SETTINGS)

EXAMPLES = 600
CATEGORY_IDS = [f"c{i}" for i in range(4)]
PRODUCT_IDS = [f"p{i}" for i in range(12)]
api = ApiClient("http-v2")

# Values mostly in range, so operations get past validation and reach stored items
# (IDs that exist, page sizes and versions that fit); sometimes anything at all.
ids = st.one_of(
    *[st.sampled_from(CATEGORY_IDS + PRODUCT_IDS)] * 9,
    st.text(max_size=80),
).map(nodes.String)
ints = st.one_of(
    *[st.integers(min_value=1, max_value=100)] * 9,
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
).map(nodes.Int)
strings = st.one_of(
    *[st.sampled_from(["Shoes", "Red shoe", "USD", "EUR", "https://example.com/a.png"])] * 3,
    st.text(max_size=300),
).map(nodes.String)
decimals = st.one_of(
    *[st.decimals(min_value=0, max_value=10**6, places=2).map(nodes.String)] * 3,
    st.decimals(allow_nan=False, allow_infinity=False).map(nodes.String),
    st.integers().map(nodes.Int),
    st.text(max_size=20).map(nodes.String),
)
date_times = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda moment: nodes.String(moment.isoformat())),
    st.text(max_size=30).map(nodes.String),
)
SCALARS = {"ID": ids, "Int": ints, "String": strings, "Decimal": decimals, "DateTime": date_times}
SDL = schema.as_str()
# Four valid operations to one with a schema violation.
operations = st.sampled_from([Mode.POSITIVE] * 4 + [Mode.NEGATIVE]).flatmap(
    lambda mode: from_schema(SDL, custom_scalars=SCALARS, mode=mode)
)


def seed_catalog() -> None:
    for category_id in CATEGORY_IDS:
        create_category(api, f"Category {category_id}", id=category_id)
    for i, product_id in enumerate(PRODUCT_IDS):
        category = CATEGORY_IDS[i % len(CATEGORY_IDS)] if i % 3 else None
        fields = {"categoryId": category} if category else {}
        create_product(api, f"Product {product_id}", f"{i}.99", id=product_id, **fields)


def test_generated_operations_never_fail_the_server(local_backend: LocalDynamoDB) -> None:
    seed_catalog()
    answered: list[tuple[str, list[str], bool]] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        operation=operations,
        admin=st.sampled_from([True, True, True, False]),
        event_format=st.sampled_from(FORMATS),
    )
    def run(operation: str, admin: bool, event_format: str) -> None:
        response = ApiClient(event_format).send(operation, admin_route=admin)

        assert response.status < 500, (operation, response)
        codes = response.codes  # fails on any error without a contract code
        assert "INTERNAL_SERVER_ERROR" not in codes, (operation, response.errors)
        if response.data is None:
            assert codes, (operation, response)
        found = any(value is not None for value in (response.data or {}).values())
        answered.append((operation.split(maxsplit=1)[0], codes, found))

    started = time.monotonic()
    run()
    elapsed = time.monotonic() - started

    mutations = sum(kind == "mutation" for kind, _, _ in answered)
    with_data = sum(found for _, _, found in answered)
    codes = Counter(code for _, codes, _ in answered for code in set(codes) or ["none"])
    print(
        f"\nfuzz: {len(answered)} operations ({mutations} mutations, {with_data} with data) "
        f"in {elapsed:.1f} s; operations per error code: {dict(codes.most_common())}"
    )
    assert len(answered) >= 500
    assert_counts_match(api)
