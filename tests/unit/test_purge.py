"""The CDN purge: one invalidation of the public answers per batch of catalog events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from events.purge import CdnPurger
from settings import Settings


@dataclass
class FakeCloudFront:
    invalidations: list[dict[str, Any]] = field(default_factory=list)

    def create_invalidation(self, **request: Any) -> dict[str, Any]:
        self.invalidations.append(request)
        return {"Invalidation": {"Id": f"I{len(self.invalidations)}", "Status": "InProgress"}}


def _purger(distribution: str | None) -> tuple[CdnPurger, FakeCloudFront]:
    cloudfront = FakeCloudFront()
    settings = replace(Settings.from_env(), cdn_distribution_id=distribution)
    return CdnPurger(settings, client=lambda: cloudfront), cloudfront


def _batch(count: int, start: int = 0) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{n}", "body": "{}"} for n in range(start, start + count)]}


def test_purge_cdn_invalidates_the_public_answers_once_per_batch() -> None:
    purger, cloudfront = _purger("E2EXAMPLE")

    result = purger(_batch(500))

    assert result == {"invalidated": True, "events": 500}
    (request,) = cloudfront.invalidations
    assert request["DistributionId"] == "E2EXAMPLE"
    assert request["InvalidationBatch"]["Paths"] == {"Quantity": 1, "Items": ["/graphql*"]}


def test_purge_cdn_redelivered_batch_has_the_same_caller_reference() -> None:
    purger, cloudfront = _purger("E2EXAMPLE")

    purger(_batch(3))
    purger(_batch(3))
    purger(_batch(3, start=3))

    references = [r["InvalidationBatch"]["CallerReference"] for r in cloudfront.invalidations]
    assert references[0] == references[1] != references[2]


def test_purge_cdn_without_a_distribution_or_events_calls_nothing() -> None:
    without, cloudfront = _purger(None)
    purger, other = _purger("E2EXAMPLE")

    assert without(_batch(2)) == {"invalidated": False, "events": 2}
    assert purger({"Records": []}) == {"invalidated": False, "events": 0}
    assert cloudfront.invalidations == other.invalidations == []
