"""The template's change events: streams, the bus, the stream-fed function and its role,
the optional webhook, and the CDN purge (docs/events.md)."""

from __future__ import annotations

from typing import Any

import pytest

from events.publisher import CALL_SECONDS
from settings import Settings
from tests.e2e.infra.conftest import CDN_PURGE_ACTIONS_FILE, CHANGES_ACTIONS_FILE, maintained

TABLES = ("ProductsTable", "CategoriesTable")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def grants(role: dict[str, Any]) -> dict[str, list[Any]]:
    """Each granted action, with the resources it is granted on."""
    found: dict[str, list[Any]] = {}
    for statement in statements(role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            found.setdefault(action, []).extend(as_list(statement["Resource"]))
    return found


def mappings_of(resources: dict[str, Any], function: str) -> list[dict[str, Any]]:
    return [
        resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::EventSourceMapping"
        and resource["Properties"]["FunctionName"] == {"Ref": function}
    ]


@pytest.mark.parametrize("table", TABLES)
def test_tables_stream_new_and_old_images(template: dict[str, Any], table: str) -> None:
    properties = template["Resources"][table]["Properties"]
    assert properties["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_changes_function_runs_publish_changes_from_the_api_artifact(
    resources: dict[str, Any],
) -> None:
    api, changes = (
        resources["ApiFunction"]["Properties"],
        resources["ChangesFunction"]["Properties"],
    )
    assert changes["Handler"] == "handler.publish_changes"
    for same in ("Code", "Runtime", "Architectures"):
        assert changes[same] == api[same], same
    # Powertools' layer, as the API's first; the search engine's layer is the API's alone.
    assert changes["Layers"] == api["Layers"][:1]
    assert changes["Role"] == {"Fn::GetAtt": ["ChangesRole", "Arn"]}
    # Room for the slowest PutEvents call, which the function starts only in time.
    assert changes["Timeout"] > 2 * CALL_SECONDS
    variables = changes["Environment"]["Variables"]
    assert variables["CATALOG_EVENT_BUS"] == {"Ref": "EventBus"}
    for name in ("CATALOG_PRODUCTS_TABLE", "CATALOG_CATEGORIES_TABLE", "CATALOG_IMAGES_BASE_URL"):
        assert variables[name] == api["Environment"]["Variables"][name]
    assert resources["EventBus"]["Type"] == "AWS::Events::EventBus"


def test_changes_role_grants_the_maintained_actions_on_these_resources_only(
    resources: dict[str, Any],
) -> None:
    granted = grants(resources["ChangesRole"])

    assert set(granted) - {"logs:CreateLogStream", "logs:PutLogEvents"} == maintained(
        CHANGES_ACTIONS_FILE
    )
    streams = [{"Fn::GetAtt": [table, "StreamArn"]} for table in TABLES]
    for action in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"):
        assert granted[action] == streams
    assert granted["dynamodb:ListStreams"] == [
        {"Fn::Sub": f"${{{table}.Arn}}/stream/*"} for table in TABLES
    ]
    assert granted["events:PutEvents"] == [{"Fn::GetAtt": ["EventBus", "Arn"]}]
    assert granted["sqs:SendMessage"] == [{"Fn::GetAtt": ["ChangesFailureQueue", "Arn"]}]
    assert granted["logs:PutLogEvents"] == [{"Fn::GetAtt": ["ChangesLogGroup", "Arn"]}]
    assert "ManagedPolicyArns" not in resources["ChangesRole"]["Properties"]


def test_changes_mappings_read_both_streams_and_retry_reported_records(
    resources: dict[str, Any],
) -> None:
    mappings = mappings_of(resources, "ChangesFunction")

    assert sorted(m["EventSourceArn"]["Fn::GetAtt"][0] for m in mappings) == sorted(TABLES)
    for mapping in mappings:
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["StartingPosition"] == "TRIM_HORIZON"
        assert 1 <= mapping["BatchSize"] <= 100
        # Given up on long before the stream drops the record (24 hours), so it can
        # still be replayed from the failure queue's coordinates.
        assert 60 <= mapping["MaximumRecordAgeInSeconds"] <= 6 * 3600
        assert mapping["MaximumRetryAttempts"] >= 1
        assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": ["ChangesFailureQueue", "Arn"]
        }


def test_changes_alarms_watch_iterator_age_errors_and_failed_records(
    resources: dict[str, Any],
) -> None:
    alarms = {
        (alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]): alarm["Properties"]
        for alarm in resources.values()
        if alarm["Type"] == "AWS::CloudWatch::Alarm" and "Condition" not in alarm
    }

    assert set(alarms) == {
        ("AWS/Lambda", "IteratorAge"),
        ("AWS/Lambda", "Errors"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    }
    for key in (("AWS/Lambda", "IteratorAge"), ("AWS/Lambda", "Errors")):
        assert alarms[key]["Dimensions"] == [
            {"Name": "FunctionName", "Value": {"Ref": "ChangesFunction"}}
        ]
    failed = alarms[("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    assert failed["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["ChangesFailureQueue", "QueueName"]}


def test_webhook_is_optional_and_off_by_default(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    webhook = {name: res for name, res in resources.items() if name.startswith("Webhook")}

    assert template["Parameters"]["WebhookUrl"]["Default"] == ""
    assert template["Conditions"]["HasWebhook"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookUrl"}, ""]}]
    }
    assert {res["Type"] for res in webhook.values()} >= {
        "AWS::Events::Connection",
        "AWS::Events::ApiDestination",
        "AWS::Events::Rule",
        "AWS::SQS::Queue",
    }
    assert all(res["Condition"] == "HasWebhook" for res in webhook.values())
    assert template["Parameters"]["WebhookApiKey"]["NoEcho"] is True


def test_webhook_gets_every_catalog_event_with_the_api_key_retries_and_dead_letters(
    resources: dict[str, Any],
) -> None:
    connection = resources["WebhookConnection"]["Properties"]
    destination = resources["WebhookDestination"]["Properties"]
    (target,) = resources["WebhookRule"]["Properties"]["Targets"]
    rule = resources["WebhookRule"]["Properties"]

    assert connection["AuthorizationType"] == "API_KEY"
    assert connection["AuthParameters"]["ApiKeyAuthParameters"] == {
        "ApiKeyName": {"Ref": "WebhookApiKeyHeader"},
        "ApiKeyValue": {"Ref": "WebhookApiKey"},
    }
    assert destination["InvocationEndpoint"] == {"Ref": "WebhookUrl"}
    assert destination["HttpMethod"] == "POST"
    assert rule["EventBusName"] == {"Ref": "EventBus"}
    assert rule["EventPattern"] == {"source": ["catalog"]}
    assert target["Arn"] == {"Fn::GetAtt": ["WebhookDestination", "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}}
    assert grants(resources["WebhookRole"]) == {
        "events:InvokeApiDestination": [{"Fn::GetAtt": ["WebhookDestination", "Arn"]}]
    }
    (letter,) = resources["WebhookDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert letter["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["WebhookRule", "Arn"]}}
    }


def test_webhook_url_needs_a_key(template: dict[str, Any]) -> None:
    rule = template["Rules"]["WebhookHasKey"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookUrl"}, ""]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookApiKey"}, "none"]}]}


def test_cdn_purge_exists_only_with_the_cdn(resources: dict[str, Any]) -> None:
    purge = {name: res for name, res in resources.items() if name.startswith("CdnPurge")}

    assert {res["Type"] for res in purge.values()} >= {
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::SQS::Queue",
        "AWS::Events::Rule",
        "AWS::IAM::Role",
    }
    assert all(res["Condition"] == "CdnEnabled" for res in purge.values())


def test_cdn_purge_coalesces_changes_into_one_invalidation_per_interval(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    function = resources["CdnPurgeFunction"]["Properties"]
    (mapping,) = mappings_of(resources, "CdnPurgeFunction")
    (target,) = resources["CdnPurgeRule"]["Properties"]["Targets"]

    assert function["Handler"] == "handler.purge_cdn"
    assert function["Code"] == resources["ApiFunction"]["Properties"]["Code"]
    assert function["ReservedConcurrentExecutions"] == 1
    assert function["Environment"]["Variables"]["CATALOG_CDN_DISTRIBUTION_ID"] == {"Ref": "Cdn"}
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["CdnPurgeQueue", "Arn"]}
    assert mapping["MaximumBatchingWindowInSeconds"] == {"Ref": "CdnPurgeIntervalSeconds"}
    assert mapping["BatchSize"] == 10000
    assert template["Parameters"]["CdnPurgeIntervalSeconds"]["Default"] == 60
    assert resources["CdnPurgeRule"]["Properties"]["EventPattern"] == {"source": ["catalog"]}
    assert target["Arn"] == {"Fn::GetAtt": ["CdnPurgeQueue", "Arn"]}
    visibility = resources["CdnPurgeQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * function["Timeout"]


def test_cdn_purge_role_invalidates_this_distribution_only(resources: dict[str, Any]) -> None:
    granted = grants(resources["CdnPurgeRole"])

    assert set(granted) - {"logs:CreateLogStream", "logs:PutLogEvents"} == maintained(
        CDN_PURGE_ACTIONS_FILE
    )
    assert granted["cloudfront:CreateInvalidation"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Cdn}"}
    ]
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"):
        assert granted[action] == [{"Fn::GetAtt": ["CdnPurgeQueue", "Arn"]}]


def test_api_sends_s_maxage_only_with_the_cdn_that_is_purged(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    variables = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]

    assert variables["CATALOG_CACHE_SHARED_MAX_AGE"] == {
        "Fn::If": ["CdnEnabled", {"Ref": "CacheSharedMaxAge"}, {"Ref": "CacheMaxAge"}]
    }
    defaults = Settings.from_env()
    assert template["Parameters"]["CacheSharedMaxAge"]["Default"] == defaults.cache_shared_max_age


def test_outputs_name_the_event_bus(transformed: dict[str, Any]) -> None:
    assert transformed["Outputs"]["EventBusName"]["Value"] == {"Ref": "EventBus"}
