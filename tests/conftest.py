"""For every tier: fake AWS credentials and region, and each test marked with its tier."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fake credentials and region, set before anything reads them (as PynamoDB's own
# test settings do); no test ever reaches AWS.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)

TESTS = Path(__file__).parent
TIERS = frozenset({"unit", "functional", "e2e"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = item.path.relative_to(TESTS).parts[0]
        if tier in TIERS:
            item.add_marker(tier)


@pytest.fixture(scope="module", autouse=True)
def stopped_searches() -> Iterator[None]:
    """After each module, the search indexes its handlers started stop following the streams."""
    yield
    from tests.client import stop_searches

    stop_searches()
