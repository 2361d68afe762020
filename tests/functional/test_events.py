"""Catalog change events: real writes through the handler, their real stream records read
from moto and DynamoDB Local, published by `handler.publish_changes` to moto's EventBridge,
and read back from the SQS queue a rule delivers them to.

The functions are the composition root's (`compose.publisher`, `compose.purger`), built
from the test's environment as handler.py builds them from the function's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.session import get_session
from ulid import ULID

import compose
import events.publisher
import events.purge
from cli.dynamodb_local import LocalDynamoDB
from cli.migrate import migrate
from cli.streams import StreamReader
from events.publisher import Publisher
from models import Product
from search.records import claim_record
from settings import Settings
from tests.catalog import (
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    RESTORE_CATEGORY,
    RESTORE_PRODUCT,
    UPSERT_CATEGORY,
    create_category,
    create_product,
    public_schema_fields,
    upsert_product,
)
from tests.client import ApiClient
from tests.functional.test_images import (  # noqa: F401 (fixtures)
    PNG,
    Bucket,
    attach,
    bucket,
    s3_endpoint,
    upload,
)

BUS = "catalog-test"
QUEUE = "catalog-events"
PRODUCT_FIELDS = public_schema_fields("Product")
CATEGORY_FIELDS = public_schema_fields("Category")


@dataclass
class Bus:
    """moto's EventBridge bus, with a rule that sends every catalog event to a queue."""

    endpoint_url: str
    events: Any
    sqs: Any
    queue_url: str

    def received(self) -> list[dict[str, Any]]:
        """Every event the queue holds, taken off it, in stream order."""
        found: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return sorted(found, key=lambda event: int(event["detail"]["sequence"]))
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )


@pytest.fixture(scope="session")
def event_bus(moto_server: LocalDynamoDB) -> Iterator[Bus]:
    """moto's EventBridge as the endpoint botocore picks up, the bus, its rule and queue."""
    endpoint = moto_server.endpoint_url
    previous = os.environ.get("AWS_ENDPOINT_URL_EVENTBRIDGE")
    os.environ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = endpoint
    events.publisher.events_client.cache_clear()
    session = get_session()
    client = session.create_client("events", endpoint_url=endpoint, region_name="us-east-1")
    sqs = session.create_client("sqs", endpoint_url=endpoint, region_name="us-east-1")
    client.create_event_bus(Name=BUS)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    client.put_rule(
        Name="all-catalog-events",
        EventBusName=BUS,
        EventPattern=json.dumps({"source": ["catalog"]}),
    )
    client.put_targets(
        Rule="all-catalog-events", EventBusName=BUS, Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    yield Bus(endpoint, client, sqs, queue_url)
    if previous is None:
        os.environ.pop("AWS_ENDPOINT_URL_EVENTBRIDGE")
    else:
        os.environ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = previous
    events.publisher.events_client.cache_clear()


@dataclass
class Feed:
    """The catalog's stream records since the test began, and what publishing them sends."""

    reader: StreamReader
    bus: Bus
    records: list[dict[str, Any]] = field(default_factory=list)

    def read(self) -> list[dict[str, Any]]:
        """The stream records written since the last read."""
        self.records = self.reader.read()
        return self.records

    def publish(self, records: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """`handler.publish_changes` on the new records (or these); the events delivered."""
        batch = self.read() if records is None else records
        result = self.publish_changes({"Records": batch}, None)
        assert result == {"batchItemFailures": []}
        return self.bus.received()

    @property
    def settings(self) -> Settings:
        """The test's environment as it is now (a fixture may name an images bucket later)."""
        return Settings.from_env()

    @property
    def publish_changes(self) -> compose.OnFirstCall:
        """`handler.publish_changes` as the composition root builds it from the settings."""
        return compose.publisher(self.settings)


@pytest.fixture
def feed(backend: LocalDynamoDB, event_bus: Bus, monkeypatch: pytest.MonkeyPatch) -> Iterator[Feed]:
    """Stream records from the test's writes only: those of emptying the tables are read."""
    monkeypatch.setenv("CATALOG_EVENT_BUS", BUS)
    settings = Settings.from_env()
    tables = (settings.products_table, settings.categories_table)
    reader = StreamReader(backend.endpoint_url, tables, "us-east-1")
    reader.read()
    event_bus.received()
    yield Feed(reader, event_bus)
    event_bus.received()


@pytest.fixture
def api(backend: LocalDynamoDB) -> ApiClient:
    return ApiClient("http-v2")


def kinds_of(delivered: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(event["detail-type"], event["detail"]["id"]) for event in delivered]


def test_publish_changes_product_created_with_its_category_count(
    api: ApiClient, feed: Feed
) -> None:
    category = create_category(api)
    feed.publish()
    product = create_product(api, stock=3, categoryId=category["id"])

    delivered = feed.publish()

    assert sorted(kinds_of(delivered)) == [
        ("CategoryUpdated", category["id"]),
        ("ProductCreated", product["id"]),
    ]
    created = next(e for e in delivered if e["detail-type"] == "ProductCreated")
    assert created["source"] == "catalog"
    detail = created["detail"]
    assert detail["product"] == {**product, "image": None}
    assert set(detail["product"]) == PRODUCT_FIELDS
    assert detail["version"] == 1
    assert "previous" not in detail
    assert set(detail["changedFields"]) == {
        "id",
        "name",
        "price",
        "currency",
        "stock",
        "categoryId",
        "createdAt",
        "slug",
    }
    counted = next(e for e in delivered if e["detail-type"] == "CategoryUpdated")["detail"]
    assert counted["changedFields"] == ["productCount"]
    assert counted["previous"] == {"productCount": 0}
    assert counted["category"]["productCount"] == 1
    assert counted["version"] == category["version"]


@pytest.mark.parametrize(
    ("changes", "changed", "previous"),
    [
        ({"price": "19.99", "stock": 7}, ["price", "stock"], {"price": "89.9", "stock": 0}),
        ({"name": "Road Runner"}, ["name"], {"name": "Trail Runner"}),
        ({"description": "Light."}, ["description"], {"description": None}),
        ({"imageUrl": "https://img.example.com/a.png"}, ["imageUrl"], {"imageUrl": None}),
        ({"currency": "EUR"}, ["currency"], {"currency": "USD"}),
    ],
    ids=["price-and-stock", "name", "description", "image-url", "currency"],
)
def test_publish_changes_product_updated_lists_changed_fields_and_previous(
    api: ApiClient,
    feed: Feed,
    changes: dict[str, Any],
    changed: list[str],
    previous: dict[str, Any],
) -> None:
    product = create_product(api)
    feed.publish()

    updated = api.ok(
        "mutation U($input: UpsertProductInput!) { upsertProduct(input: $input) { version } }",
        {"input": {"id": product["id"], **changes}},
    )
    delivered = feed.publish()

    assert kinds_of(delivered) == [("ProductUpdated", product["id"])]
    detail = delivered[0]["detail"]
    assert detail["changedFields"] == changed
    assert detail["previous"] == previous
    assert detail["version"] == updated["upsertProduct"]["version"] == 2
    for name, value in changes.items():
        assert detail["product"][name] == value


def test_publish_changes_product_moved_updates_both_categories(api: ApiClient, feed: Feed) -> None:
    shoes, tents = create_category(api, "Shoes"), create_category(api, "Tents")
    product = create_product(api, categoryId=shoes["id"])
    feed.publish()

    api.ok(
        "mutation U($input: UpsertProductInput!) { upsertProduct(input: $input) { id } }",
        {"input": {"id": product["id"], "categoryId": tents["id"]}},
    )
    delivered = feed.publish()

    assert sorted(kinds_of(delivered)) == sorted(
        [
            ("ProductUpdated", product["id"]),
            ("CategoryUpdated", shoes["id"]),
            ("CategoryUpdated", tents["id"]),
        ]
    )
    counts = {
        e["detail"]["id"]: e["detail"]["category"]["productCount"]
        for e in delivered
        if e["detail-type"] == "CategoryUpdated"
    }
    assert counts == {shoes["id"]: 0, tents["id"]: 1}
    moved = next(e for e in delivered if e["detail-type"] == "ProductUpdated")["detail"]
    assert moved["changedFields"] == ["categoryId"]
    assert moved["previous"] == {"categoryId": shoes["id"]}


def test_publish_changes_product_soft_deleted_restored_and_purged(
    api: ApiClient, feed: Feed
) -> None:
    product = create_product(api)
    feed.publish()

    api.ok(DELETE_PRODUCT, {"id": product["id"]})
    deleted = feed.publish()
    api.ok(RESTORE_PRODUCT, {"id": product["id"]})
    restored = feed.publish()
    api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})
    purged = feed.publish()

    assert kinds_of(deleted) == [("ProductDeleted", product["id"])]
    assert deleted[0]["detail"]["changedFields"] == ["deletedAt"]
    assert deleted[0]["detail"]["previous"] == {"deletedAt": None}
    assert deleted[0]["detail"]["product"]["deletedAt"] is not None
    assert kinds_of(restored) == [("ProductRestored", product["id"])]
    assert restored[0]["detail"]["product"]["deletedAt"] is None
    assert restored[0]["detail"]["previous"] == {
        "deletedAt": deleted[0]["detail"]["product"]["deletedAt"]
    }
    assert kinds_of(purged) == [("ProductPurged", product["id"])]
    last = purged[0]["detail"]
    assert "previous" not in last
    assert last["product"]["version"] == restored[0]["detail"]["version"]
    assert last["version"] == restored[0]["detail"]["version"]


def test_publish_changes_category_lifecycle(api: ApiClient, feed: Feed) -> None:
    category = create_category(api, "Shoes")
    created = feed.publish()
    api.ok(UPSERT_CATEGORY, {"input": {"id": category["id"], "description": "For feet."}})
    updated = feed.publish()
    api.ok(DELETE_CATEGORY, {"id": category["id"]})
    deleted = feed.publish()
    api.ok(RESTORE_CATEGORY, {"id": category["id"]})
    restored = feed.publish()
    api.ok(DELETE_CATEGORY, {"id": category["id"], "hard": True})
    purged = feed.publish()

    assert [kinds_of(batch) for batch in (created, updated, deleted, restored, purged)] == [
        [(f"Category{action}", category["id"])]
        for action in ("Created", "Updated", "Deleted", "Restored", "Purged")
    ]
    assert created[0]["detail"]["category"] == category
    assert set(created[0]["detail"]["category"]) == CATEGORY_FIELDS
    assert updated[0]["detail"]["changedFields"] == ["description"]
    assert updated[0]["detail"]["previous"] == {"description": None}
    assert deleted[0]["detail"]["changedFields"] == ["deletedAt"]
    assert restored[0]["detail"]["changedFields"] == ["deletedAt"]
    assert [batch[0]["detail"]["version"] for batch in (created, updated, deleted, restored)] == [
        1,
        2,
        3,
        4,
    ]
    assert purged[0]["detail"]["category"]["version"] == 4


def test_publish_changes_image_attached(
    api: ApiClient,
    feed: Feed,
    bucket: Bucket,  # noqa: F811 (the fixture)
) -> None:
    product = create_product(api)
    upload_id = upload(api, product["id"], PNG)
    feed.publish()

    attached = attach(api, product["id"], upload_id)
    assert not attached.errors, attached.errors
    delivered = feed.publish()

    assert kinds_of(delivered) == [("ProductUpdated", product["id"])]
    detail = delivered[0]["detail"]
    image = attached.data["attachProductImage"]["image"]
    assert detail["changedFields"] == ["imageUrl", "image"]
    assert detail["previous"] == {"imageUrl": None, "image": None}
    assert detail["product"]["image"] == image
    assert detail["product"]["imageUrl"] == image["url"]


def test_publish_changes_write_without_public_change_publishes_nothing(
    api: ApiClient, feed: Feed
) -> None:
    # GIVEN a product as an older release wrote it: without its list keys
    product = create_product(api)
    Product(product["id"]).update(actions=[Product.shelf.remove(), Product.price_key.remove()])
    # WHEN `catalog migrate` derives them again
    report = migrate(rate=1000)
    records = feed.read()

    assert report.updated == 1
    # The create and its slug's claim, the keys removed, the keys derived.
    assert len(records) == 4
    delivered = feed.publish(records)
    # THEN only the create is an event
    assert kinds_of(delivered) == [("ProductCreated", product["id"])]


def test_publish_changes_replayed_batch_publishes_the_same_event_ids(
    api: ApiClient, feed: Feed
) -> None:
    create_product(api, categoryId=create_category(api)["id"])
    records = feed.read()

    first = feed.publish(records)
    again = feed.publish(records)

    assert [e["detail"]["eventId"] for e in first] == [e["detail"]["eventId"] for e in again]
    assert [e["detail"]["eventId"] for e in first] == [r["eventID"] for r in entities(records)]


def entities(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of products and categories, without their slugs' claims."""
    return [record for record in records if not claim_record(record)]


def test_publish_changes_slug_change_is_one_product_event_and_no_claim_event(
    api: ApiClient, feed: Feed
) -> None:
    product = create_product(api, name="Tent")
    feed.publish()
    upsert_product(api, id=product["id"], slug="dome-tent")
    records = feed.read()

    delivered = feed.publish(records)

    assert len(records) == 2  # the product and the new slug's claim
    assert kinds_of(delivered) == [("ProductUpdated", product["id"])]
    detail = delivered[0]["detail"]
    assert detail["changedFields"] == ["slug"]
    assert detail["previous"] == {"slug": "tent"}


@dataclass
class RefusingClient:
    """EventBridge refusing the entries of some items `times` times each, as when throttled."""

    real: Any
    refuse: set[str]
    times: int
    calls: int = 0
    refusals: dict[str, int] = field(default_factory=dict)

    def put_events(self, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.calls += 1
        refused = [self._refused(json.loads(entry["Detail"])["id"]) for entry in Entries]
        accepted = [entry for entry, no in zip(Entries, refused, strict=True) if not no]
        answers = iter(self.real.put_events(Entries=accepted)["Entries"] if accepted else [])
        results = [
            {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
            if no
            else next(answers)
            for no in refused
        ]
        return {"FailedEntryCount": sum(refused), "Entries": results}

    def _refused(self, item_id: str) -> bool:
        if item_id not in self.refuse or self.refusals.get(item_id, 0) >= self.times:
            return False
        self.refusals[item_id] = self.refusals.get(item_id, 0) + 1
        return True


def test_publish_changes_refused_entries_are_retried(api: ApiClient, feed: Feed) -> None:
    products = [create_product(api, name=f"P{n}") for n in range(12)]
    records = feed.read()
    client = RefusingClient(
        events.publisher.events_client("us-east-1"), {products[3]["id"], products[11]["id"]}, 1
    )
    publisher = Publisher(feed.settings, client=lambda _: client, sleep=lambda _: None)

    result = publisher({"Records": records})

    assert result == {"batchItemFailures": []}
    delivered = feed.bus.received()
    assert sorted(e["detail"]["id"] for e in delivered) == sorted(p["id"] for p in products)
    assert client.calls == 4  # 10 + 2 entries, then each batch's refused entry again.


def test_publish_changes_entries_refused_every_time_are_reported(
    api: ApiClient, feed: Feed
) -> None:
    kept, refused = create_product(api, name="Kept"), create_product(api, name="Refused")
    records = feed.read()
    client = RefusingClient(events.publisher.events_client("us-east-1"), {refused["id"]}, 99)
    publisher = Publisher(feed.settings, client=lambda _: client, sleep=lambda _: None)

    result = publisher({"Records": records})

    sequence = next(
        r["dynamodb"]["SequenceNumber"]
        for r in records
        if r["dynamodb"]["Keys"]["id"]["S"] == refused["id"]
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": sequence}]}
    assert kinds_of(feed.bus.received()) == [("ProductCreated", kept["id"])]
    # Lambda retries the reported record: it is published then.
    assert kinds_of(feed.publish(records)) == [
        ("ProductCreated", kept["id"]),
        ("ProductCreated", refused["id"]),
    ]


def test_publish_changes_malformed_record_is_reported_the_rest_published(
    api: ApiClient, feed: Feed, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = create_product(api, name="First"), create_product(api, name="Second")
    records = entities(feed.read())
    broken = json.loads(json.dumps(records[0]))
    del broken["dynamodb"]["NewImage"]["name"]

    result = feed.publish_changes({"Records": [broken, records[1]]}, None)

    assert result == {
        "batchItemFailures": [{"itemIdentifier": broken["dynamodb"]["SequenceNumber"]}]
    }
    assert kinds_of(feed.bus.received()) == [("ProductCreated", second["id"])]
    assert broken["dynamodb"]["Keys"]["id"]["S"] == first["id"]
    assert "MALFORMED_RECORD" in caplog.text
    assert broken["eventID"] in caplog.text


@pytest.fixture
def distribution(event_bus: Bus, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """A CloudFront distribution on moto's server, named by the settings, as the CDN's is."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", event_bus.endpoint_url)
    events.purge.cloudfront_client.cache_clear()
    cloudfront = get_session().create_client(
        "cloudfront", endpoint_url=event_bus.endpoint_url, region_name="us-east-1"
    )
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": str(ULID()),
            "Comment": "catalog API",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "api",
                        "DomainName": "api.execute-api.us-east-1.amazonaws.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "api",
                "ViewerProtocolPolicy": "https-only",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )
    distribution_id = created["Distribution"]["Id"]
    monkeypatch.setenv("CATALOG_CDN_DISTRIBUTION_ID", distribution_id)
    yield cloudfront, distribution_id
    events.purge.cloudfront_client.cache_clear()


def test_purge_cdn_makes_one_invalidation_for_a_batch_of_changes(
    api: ApiClient, feed: Feed, distribution: tuple[Any, str]
) -> None:
    cloudfront, distribution_id = distribution
    # GIVEN the template's purge rule: every catalog event to a queue
    bus = feed.bus
    queue_url = bus.sqs.create_queue(QueueName="catalog-cdn-purge")["QueueUrl"]
    queue_arn = bus.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    bus.events.put_rule(
        Name="purge", EventBusName=BUS, EventPattern=json.dumps({"source": ["catalog"]})
    )
    bus.events.put_targets(
        Rule="purge", EventBusName=BUS, Targets=[{"Id": "purge", "Arn": queue_arn}]
    )
    try:
        # WHEN five products are written and their events published
        for n in range(5):
            create_product(api, name=f"Lamp {n}")
        feed.publish()
        messages = bus.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
        # ... and the queue's batch reaches handler.purge_cdn as Lambda hands it over
        batch = {
            "Records": [
                {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"}
                for m in messages
            ]
        }
        result = compose.purger(Settings.from_env())(batch, None)
    finally:
        bus.events.remove_targets(Rule="purge", EventBusName=BUS, Ids=["purge"])
        bus.events.delete_rule(Name="purge", EventBusName=BUS)
        bus.sqs.delete_queue(QueueUrl=queue_url)

    # THEN the five changes made one invalidation of every public answer
    assert len(messages) == 5
    assert result == {"invalidated": True, "events": 5}
    listed = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    assert listed["Quantity"] == 1
    (summary,) = listed["Items"]
    found = cloudfront.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])
    assert found["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/graphql*"]
