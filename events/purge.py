"""`handler.purge_cdn`: one CloudFront invalidation of the public GraphQL answers per batch.

An EventBridge rule sends every catalog event to a queue; the queue's event source
mapping gathers them for CdnPurgeIntervalSeconds and the function (reserved
concurrency 1) makes one invalidation for the whole batch, so a bulk import costs a
handful of invalidations, not one per change. A failed call fails the batch, which
the queue delivers again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.session import get_session

if TYPE_CHECKING:
    from settings import Settings

# Every cached public answer: GET /graphql with any query string (CloudFront
# invalidates every query string of a path; the wildcard counts as one path).
PURGED_PATHS = ("/graphql*",)


@functools.cache
def cloudfront_client() -> Any:
    """The CloudFront client, made on first use; AWS_ENDPOINT_URL_CLOUDFRONT sets its endpoint."""
    config = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard"})
    return get_session().create_client("cloudfront", config=config)


class CdnPurger:
    """The queue-fed Lambda function: invalidates the CDN's public answers once per batch."""

    def __init__(self, settings: Settings, client: Callable[[], Any] = cloudfront_client) -> None:
        self._settings = settings
        self._client = client

    def __call__(self, event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
        """Purge for a batch of queued catalog events; what it did."""
        messages = event.get("Records") or []
        distribution = self._settings.cdn_distribution_id
        if not messages or distribution is None:
            return {"invalidated": False, "events": len(messages)}
        # The same batch, delivered again, makes no second invalidation.
        ids = "".join(sorted(str(message.get("messageId")) for message in messages))
        reference = hashlib.sha256(ids.encode()).hexdigest()[:32]
        self._client().create_invalidation(
            DistributionId=distribution,
            InvalidationBatch={
                "Paths": {"Quantity": len(PURGED_PATHS), "Items": list(PURGED_PATHS)},
                "CallerReference": reference,
            },
        )
        return {"invalidated": True, "events": len(messages)}
