"""The SAM template, linted and transformed as CloudFormation would run it."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pynamodb.models import Model

from models import MODELS, Category, Product

REPO = Path(__file__).resolve().parents[3]

# Which environment variable tells the function each model's table.
TABLE_VARIABLES: dict[str, type[Model]] = {
    "CATALOG_PRODUCTS_TABLE": Product,
    "CATALOG_CATEGORIES_TABLE": Category,
}
# API Gateway gives up on an integration after 29 s (REST) / 30 s (HTTP API).
API_GATEWAY_LIMIT_SECONDS = 29
INDEX_ARN = re.compile(r"^\$\{(?P<table>\w+)\.Arn\}/index/(?P<index>[\w.-]+)$")


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: res for name, res in resources.items() if res["Type"] == kind}


def only(resources: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = of_type(resources, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))


def api_function(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The API's function (the change events, the CDN purge, the image sweep and the
    search indexer have their own)."""
    return "ApiFunction", resources["ApiFunction"]


def api_role(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The API function's role (the change events, the CDN purge and the indexer have theirs)."""
    return "FunctionRole", resources["FunctionRole"]


def api_cdn(resources: dict[str, Any]) -> dict[str, Any]:
    """The optional CDN in front of the API (EnableCdn), apart from the images' one."""
    return {name: res for name, res in resources.items() if name.startswith("Cdn")}


def without_api_cdn(resources: dict[str, Any]) -> dict[str, Any]:
    return {name: res for name, res in resources.items() if not name.startswith("Cdn")}


def key_schema(keys: list[dict[str, str]]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in keys}


def projection(value: dict[str, Any]) -> dict[str, Any]:
    return {**value, "NonKeyAttributes": sorted(value.get("NonKeyAttributes", []))}


def model_definition(model: type[Model]) -> dict[str, Any]:
    """What PynamoDB would create for the model: keys, attribute types, indexes."""
    schema = model._get_schema()
    return {
        "attributes": {
            a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]
        },
        "keys": key_schema(schema["key_schema"]),
        "global_indexes": {
            index["index_name"]: {
                "keys": key_schema(index["key_schema"]),
                "projection": projection(index["projection"]),
            }
            for index in schema["global_secondary_indexes"]
        },
        "local_indexes": sorted(index["index_name"] for index in schema["local_secondary_indexes"]),
    }


def template_definition(table: dict[str, Any]) -> dict[str, Any]:
    properties = table["Properties"]
    return {
        "attributes": {
            a["AttributeName"]: a["AttributeType"] for a in properties["AttributeDefinitions"]
        },
        "keys": key_schema(properties["KeySchema"]),
        "global_indexes": {
            index["IndexName"]: {
                "keys": key_schema(index["KeySchema"]),
                "projection": projection(index["Projection"]),
            }
            for index in properties.get("GlobalSecondaryIndexes", [])
        },
        "local_indexes": sorted(
            index["IndexName"] for index in properties.get("LocalSecondaryIndexes", [])
        ),
    }


def conditions(template: dict[str, Any], parameters: dict[str, str]) -> Callable[[str], bool]:
    """Each condition's value for these parameters (the rest at their defaults)."""
    given = {name: spec.get("Default") for name, spec in template["Parameters"].items()}
    given.update(parameters)

    def value(argument: Any) -> Any:
        return given[argument["Ref"]] if isinstance(argument, dict) else argument

    def evaluate(expression: dict[str, Any]) -> bool:
        ((function, arguments),) = expression.items()
        if function == "Condition":
            return condition(arguments)
        if function == "Fn::Equals":
            return bool(str(value(arguments[0])) == str(value(arguments[1])))
        if function == "Fn::Not":
            return not evaluate(arguments[0])
        if function == "Fn::And":
            return all(evaluate(each) for each in arguments)
        if function == "Fn::Or":
            return any(evaluate(each) for each in arguments)
        raise AssertionError(f"unexpected condition function {function}")

    def condition(name: str) -> bool:
        return evaluate(template["Conditions"][name])

    return condition


def resolved(value: Any, condition: Callable[[str], bool]) -> Any:
    """`value` with its Fn::If chosen and its AWS::NoValue list entries dropped."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            name, then, otherwise = value["Fn::If"]
            return resolved(then if condition(name) else otherwise, condition)
        return {key: resolved(each, condition) for key, each in value.items()}
    if isinstance(value, list):
        items = [resolved(each, condition) for each in value]
        return [each for each in items if each != {"Ref": "AWS::NoValue"}]
    return value


def table_of(resources: dict[str, Any], model: type[Model]) -> tuple[str, dict[str, Any]]:
    """The table resource whose name the function is given for this model."""
    _, function = api_function(resources)
    variables = function["Properties"]["Environment"]["Variables"]
    variable = next(name for name, each in TABLE_VARIABLES.items() if each is model)
    name = variables[variable]["Ref"]
    return name, resources[name]


def role_statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    _, role = api_role(resources)
    return [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def dynamodb_statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in role_statements(resources)
        if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))
    ]


def s3_statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in role_statements(resources)
        if any(a.startswith("s3:") for a in as_list(s["Action"]))
    ]


def images_bucket(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, function = api_function(resources)
    name = function["Properties"]["Environment"]["Variables"]["CATALOG_IMAGES_BUCKET"]["Ref"]
    return name, resources[name]


def images_bucket_ref(resources: dict[str, Any]) -> Any:
    _, function = api_function(resources)
    return function["Properties"]["Environment"]["Variables"]["CATALOG_IMAGES_BUCKET"]


def api_body(resources: dict[str, Any]) -> dict[str, Any]:
    _, api = only(resources, "AWS::ApiGatewayV2::Api")
    body: dict[str, Any] = api["Properties"]["Body"]
    return body


def test_cfn_lint_passes_with_no_findings() -> None:
    # Informational rules too: a finding of any level fails, unless infra/.cfnlintrc
    # ignores it with a reason.
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [cfn_lint, "--include-checks", "I", "--", "infra/template.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_transform_creates_every_model_table_and_nothing_else(resources: dict[str, Any]) -> None:
    tables = {table_of(resources, model)[0] for model in MODELS}
    assert tables == set(of_type(resources, "AWS::DynamoDB::Table"))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_table_definition_equals_model(
    transformed: dict[str, Any], resources: dict[str, Any], model: type[Model]
) -> None:
    _, table = table_of(resources, model)
    definition = resolved(table, conditions(transformed, {}))
    assert template_definition(definition) == model_definition(model)


# The products table of the release before the sorted lists.
PREVIOUS_PRODUCT_INDEXES = {"by_name", "by_category"}


def test_list_indexes_steps_add_one_index_each(
    transformed: dict[str, Any], resources: dict[str, Any]
) -> None:
    # DynamoDB adds one global secondary index per table update, so a stack from
    # before the sorted lists must reach the model's table one index per deployment.
    _, table = table_of(resources, Product)
    steps = [
        template_definition(resolved(table, conditions(transformed, {"ListIndexes": str(n)})))
        for n in range(7)
    ]

    assert set(steps[0]["global_indexes"]) == PREVIOUS_PRODUCT_INDEXES
    assert steps[6] == model_definition(Product)
    for before, after in itertools.pairwise(steps):
        assert set(before["global_indexes"]) < set(after["global_indexes"])
        assert len(after["global_indexes"]) == len(before["global_indexes"]) + 1
    for step in steps:
        # DynamoDB refuses an attribute definition that no key uses.
        keys = {
            name for index in step["global_indexes"].values() for name in index["keys"].values()
        }
        assert set(step["attributes"]) == keys | set(step["keys"].values())


# The categories table of the release before the category tree, and the tree's indexes
# in the order TreeIndexes adds them.
PREVIOUS_CATEGORY_INDEXES = {"by_name"}
TREE_INDEXES = ["by_parent", "by_level", "by_slug"]


def test_tree_indexes_steps_add_one_index_each(
    transformed: dict[str, Any], resources: dict[str, Any]
) -> None:
    # As the ListIndexes steps do for the products table: a stack from before the
    # category tree reaches the model's categories table one index per deployment.
    _, table = table_of(resources, Category)
    steps = [
        template_definition(resolved(table, conditions(transformed, {"TreeIndexes": str(n)})))
        for n in range(4)
    ]

    assert set(steps[0]["global_indexes"]) == PREVIOUS_CATEGORY_INDEXES
    assert steps[3] == model_definition(Category)
    added = []
    for before, after in itertools.pairwise(steps):
        (new,) = set(after["global_indexes"]) - set(before["global_indexes"])
        assert set(before["global_indexes"]) < set(after["global_indexes"])
        added.append(new)
    assert added == TREE_INDEXES
    for step in steps:
        # DynamoDB refuses an attribute definition that no key uses.
        keys = {
            name for index in step["global_indexes"].values() for name in index["keys"].values()
        }
        assert set(step["attributes"]) == keys | set(step["keys"].values())


def test_tree_and_list_indexes_default_to_a_new_stacks_table(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert (parameters["ListIndexes"]["Default"], parameters["TreeIndexes"]["Default"]) == (
        "6",
        "3",
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_table_survives_stack_update_and_delete(
    resources: dict[str, Any], model: type[Model]
) -> None:
    _, table = table_of(resources, model)
    properties = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_table_name_defaults_to_the_models_default(
    template: dict[str, Any], resources: dict[str, Any], model: type[Model]
) -> None:
    from settings import Settings

    _, table = table_of(resources, model)
    parameter = table["Properties"]["TableName"]["Ref"]
    expected = {Product: "products_table", Category: "categories_table"}[model]
    with pytest.MonkeyPatch.context() as patch:
        for variable in TABLE_VARIABLES:
            patch.delenv(variable, raising=False)
        defaults = Settings.from_env()
    assert template["Parameters"][parameter]["Default"] == getattr(defaults, expected)


def test_role_dynamodb_actions_equal_maintained_list(
    resources: dict[str, Any], maintained_actions: frozenset[str]
) -> None:
    granted = {a for s in dynamodb_statements(resources) for a in as_list(s["Action"])}
    assert granted == maintained_actions


def test_role_dynamodb_resources_are_exactly_the_tables_and_indexes(
    resources: dict[str, Any],
) -> None:
    # GIVEN the ARNs PynamoDB addresses: each model's table and each of its indexes
    expected_tables = {table_of(resources, model)[0] for model in MODELS}
    expected_indexes = {
        (table_of(resources, model)[0], index["index_name"])
        for model in MODELS
        for index in model._get_schema()["global_secondary_indexes"]
    }
    # WHEN the DynamoDB statements' resources are read
    tables, indexes, others = set(), set(), []
    for statement in dynamodb_statements(resources):
        assert statement["Effect"] == "Allow"
        for resource in as_list(statement["Resource"]):
            if isinstance(resource, dict) and "Fn::GetAtt" in resource:
                name, attribute = resource["Fn::GetAtt"]
                (tables if attribute == "Arn" else others).add(name)  # type: ignore[attr-defined]
            elif isinstance(resource, dict) and INDEX_ARN.match(resource.get("Fn::Sub", "")):
                match = INDEX_ARN.match(resource["Fn::Sub"])
                assert match is not None
                indexes.add((match["table"], match["index"]))
            else:
                others.append(resource)
    # THEN they are those ARNs, with no wildcard and nothing else
    assert others == []
    assert tables == expected_tables
    assert indexes == expected_indexes


def function_log_group(resources: dict[str, Any]) -> str:
    """The log group the function writes to (the API's access log has another)."""
    _, function = api_function(resources)
    name: str = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    return name


def test_role_grants_only_dynamodb_s3_logs_and_xray(resources: dict[str, Any]) -> None:
    log_group = function_log_group(resources)
    by_service: dict[str, list[dict[str, Any]]] = {}
    for statement in role_statements(resources):
        services = {a.split(":")[0] for a in as_list(statement["Action"])}
        assert len(services) == 1, statement
        by_service.setdefault(services.pop(), []).append(statement)
    assert set(by_service) == {"dynamodb", "s3", "logs", "xray"}
    assert [s["Resource"] for s in by_service["logs"]] == [{"Fn::Sub": f"${{{log_group}.Arn}}"}]
    assert [sorted(s["Action"]) for s in by_service["logs"]] == [
        ["logs:CreateLogStream", "logs:PutLogEvents"]
    ]
    # X-Ray's write actions accept no resource but "*": the only "*" in the role.
    assert [(sorted(s["Action"]), s["Resource"]) for s in by_service["xray"]] == [
        (["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*")
    ]


def test_role_s3_actions_equal_maintained_list(
    resources: dict[str, Any], maintained_s3_actions: frozenset[str]
) -> None:
    granted = {a for s in s3_statements(resources) for a in as_list(s["Action"])}
    assert granted == maintained_s3_actions


def test_role_s3_grants_are_scoped_to_the_two_prefixes_and_the_listing(
    resources: dict[str, Any],
) -> None:
    bucket, _ = images_bucket(resources)
    grants = {
        json.dumps(statement["Resource"], sort_keys=True): sorted(as_list(statement["Action"]))
        for statement in s3_statements(resources)
    }
    assert all(statement["Effect"] == "Allow" for statement in s3_statements(resources))
    assert grants == {
        json.dumps({"Fn::Sub": f"${{{bucket}.Arn}}/uploads/*"}): [
            "s3:DeleteObject",
            "s3:GetObject",
            "s3:PutObject",
        ],
        json.dumps({"Fn::Sub": f"${{{bucket}.Arn}}/images/*"}): [
            "s3:DeleteObject",
            "s3:PutObject",
        ],
        json.dumps({"Fn::GetAtt": [bucket, "Arn"]}): ["s3:ListBucket"],
        # The search snapshots, read-only, and listing them (a missing manifest is a 404).
        json.dumps({"Fn::Sub": "${SearchBucket.Arn}/search/*"}): ["s3:GetObject"],
        json.dumps({"Fn::GetAtt": ["SearchBucket", "Arn"]}): ["s3:ListBucket"],
    }


def test_images_bucket_is_private_encrypted_and_retained(resources: dict[str, Any]) -> None:
    _, bucket = images_bucket(resources)
    properties = bucket["Properties"]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")


def test_images_bucket_expires_stale_uploads_only(resources: dict[str, Any]) -> None:
    _, bucket = images_bucket(resources)
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["Prefix"] == "uploads/"
    assert rule["ExpirationInDays"] == 1


def test_images_bucket_takes_browser_uploads_from_the_cors_origins(transform_with: Any) -> None:
    origins = "https://admin.example.com"
    _, bucket = images_bucket(transform_with({"CorsAllowedOrigins": origins})["Resources"])
    condition, cors, otherwise = bucket["Properties"]["CorsConfiguration"]["Fn::If"]
    assert (condition, otherwise) == ("HasCorsOrigins", {"Ref": "AWS::NoValue"})
    (rule,) = cors["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == {"Fn::Split": [",", {"Ref": "CorsAllowedOrigins"}]}


def test_images_bucket_policy_denies_plain_http_and_lets_cloudfront_read_images_only(
    resources: dict[str, Any],
) -> None:
    bucket, _ = images_bucket(resources)
    distribution, _ = only(without_api_cdn(resources), "AWS::CloudFront::Distribution")
    _, policy = only(resources, "AWS::S3::BucketPolicy")
    assert policy["Properties"]["Bucket"] == {"Ref": bucket}
    deny, allow = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [
        {"Fn::GetAtt": [bucket, "Arn"]},
        {"Fn::Sub": f"${{{bucket}.Arn}}/*"},
    ]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert (allow["Effect"], allow["Action"]) == ("Allow", "s3:GetObject")
    assert allow["Resource"] == {"Fn::Sub": f"${{{bucket}.Arn}}/images/*"}
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(f":distribution/${{{distribution}}}")


def test_images_distribution_serves_only_the_images_prefix_signed_and_cached_long(
    resources: dict[str, Any],
) -> None:
    bucket, _ = images_bucket(resources)
    control, _ = only(resources, "AWS::CloudFront::OriginAccessControl")
    cache_name, cache = only(without_api_cdn(resources), "AWS::CloudFront::CachePolicy")
    _, distribution = only(without_api_cdn(resources), "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    assert origin["OriginPath"] == "/images"
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [control, "Id"]}
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert behaviour["CachePolicyId"] == {"Ref": cache_name}
    ttl = cache["Properties"]["CachePolicyConfig"]
    assert ttl["DefaultTTL"] == ttl["MaxTTL"] == 365 * 24 * 3600
    assert ttl["MinTTL"] >= 24 * 3600


def test_function_environment_names_the_images_bucket_and_cdn(resources: dict[str, Any]) -> None:
    bucket, _ = images_bucket(resources)
    distribution, _ = only(without_api_cdn(resources), "AWS::CloudFront::Distribution")
    _, function = api_function(resources)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["CATALOG_IMAGES_BUCKET"] == {"Ref": bucket}
    assert variables["CATALOG_IMAGES_BASE_URL"] == {
        "Fn::If": [
            "HasImagesDomain",
            {"Fn::Sub": "https://${ImagesDomainName}"},
            {"Fn::Sub": f"https://${{{distribution}.DomainName}}"},
        ]
    }
    assert variables["CATALOG_MAX_IMAGE_BYTES"] == {"Ref": "MaxImageBytes"}


def test_role_has_no_managed_policy(resources: dict[str, Any]) -> None:
    role_name, role = api_role(resources)
    _, function = api_function(resources)
    assert "ManagedPolicyArns" not in role["Properties"]
    assert function["Properties"]["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}


def test_images_sweep_runs_daily_with_the_apis_code_role_and_log_group(
    resources: dict[str, Any],
) -> None:
    import handler

    role_name, _ = api_role(resources)
    _, api = api_function(resources)
    (sweep,) = [
        res
        for res in of_type(resources, "AWS::Lambda::Function").values()
        if res["Properties"]["Handler"] == "handler.sweep"
    ]
    properties = sweep["Properties"]
    assert properties["Handler"] == "handler.sweep"
    assert callable(handler.sweep)
    assert properties["Code"] == api["Properties"]["Code"]
    assert properties["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}
    assert properties["LoggingConfig"]["LogGroup"] == api["Properties"]["LoggingConfig"]["LogGroup"]
    variables = properties["Environment"]["Variables"]
    assert variables["CATALOG_IMAGES_BUCKET"] == images_bucket_ref(resources)
    assert variables["CATALOG_PRODUCTS_TABLE"] == {"Ref": "ProductsTable"}
    schedules = [
        rule["Properties"].get("ScheduleExpression")
        for rule in of_type(resources, "AWS::Events::Rule").values()
        if "ScheduleExpression" in rule["Properties"]
    ]
    assert schedules == ["rate(1 day)"]


def test_function_runs_the_handler_on_python_3_13_arm64(resources: dict[str, Any]) -> None:
    _, function = api_function(resources)
    properties = function["Properties"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert 128 <= properties["MemorySize"] <= 10240


def test_function_takes_powertools_from_the_managed_layer_of_the_pinned_version(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    sys.path.insert(0, str(REPO / "infra"))
    import lambda_target

    _, function = api_function(resources)
    # First; the search layer (test_functions_know_the_search_bucket...) follows.
    assert function["Properties"]["Layers"][0] == {
        "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:"
        "AWSLambdaPowertoolsPythonV3-python313-arm64:${PowertoolsLayerVersion}"
    }
    parameter = template["Parameters"]["PowertoolsLayerVersion"]
    assert parameter["Default"] == lambda_target.POWERTOOLS_LAYER_VERSION


def test_function_timeout_is_below_api_gateway_limit(resources: dict[str, Any]) -> None:
    from models.base import BaseMeta

    _, function = api_function(resources)
    timeout = function["Properties"]["Timeout"]
    one_call = (1 + BaseMeta.max_retry_attempts) * (
        BaseMeta.connect_timeout_seconds + BaseMeta.read_timeout_seconds
    )
    assert one_call < timeout < API_GATEWAY_LIMIT_SECONDS


def test_function_environment_names_tables_and_admin_group(resources: dict[str, Any]) -> None:
    _, function = api_function(resources)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["CATALOG_ADMIN_GROUP"] == {"Ref": "AdminGroup"}
    assert variables["CATALOG_TRACING"] == {"Ref": "Tracing"}
    for variable in TABLE_VARIABLES:
        assert resources[variables[variable]["Ref"]]["Type"] == "AWS::DynamoDB::Table"


def test_function_logs_to_a_group_with_retention(resources: dict[str, Any]) -> None:
    log_group = resources[function_log_group(resources)]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_function_reserved_concurrency_follows_parameter(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    _, function = api_function(resources)
    assert function["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "HasReservedConcurrency",
            {"Ref": "ReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert template["Conditions"]["HasReservedConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ReservedConcurrency"}, -1]}]
    }
    assert template["Parameters"]["ReservedConcurrency"]["Type"] == "Number"


def test_snapstart_applies_to_published_versions_when_enabled(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    _, function = api_function(resources)
    assert function["Properties"]["SnapStart"] == {
        "ApplyOn": {"Fn::If": ["SnapStartEnabled", "PublishedVersions", "None"]}
    }
    assert template["Conditions"]["SnapStartEnabled"] == {
        "Fn::Equals": [{"Ref": "EnableSnapStart"}, "true"]
    }
    assert template["Parameters"]["EnableSnapStart"]["Default"] == "false"


def test_api_calls_the_published_alias(resources: dict[str, Any]) -> None:
    alias_name, alias = only(resources, "AWS::Lambda::Alias")
    version_name, _ = only(resources, "AWS::Lambda::Version")
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_name, "Version"]}
    for path in api_body(resources)["paths"].values():
        for route in path.values():
            uri = route["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
            assert f"${{{alias_name}}}" in uri
    for _, permission in of_type(resources, "AWS::Lambda::Permission").items():
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com":
            assert permission["Properties"]["FunctionName"] == {"Ref": alias_name}


def test_api_routes_are_public_graphql_and_authorized_admin(resources: dict[str, Any]) -> None:
    paths = api_body(resources)["paths"]
    routes = {
        (path, method): route.get("security")
        for path, methods in paths.items()
        for method, route in methods.items()
    }
    assert routes == {
        ("/graphql", "get"): None,
        ("/graphql", "post"): None,
        ("/admin/graphql", "get"): [{"AdminJwt": []}],
        ("/admin/graphql", "post"): [{"AdminJwt": []}],
    }


def test_admin_authorizer_takes_issuer_and_audience_from_parameters_or_user_pool(
    resources: dict[str, Any],
) -> None:
    scheme = api_body(resources)["components"]["securitySchemes"]["AdminJwt"]
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["identitySource"] == "$request.header.Authorization"
    assert authorizer["jwtConfiguration"] == {
        "issuer": {
            "Fn::If": [
                "CreateUserPool",
                {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"},
                {"Ref": "JwtIssuer"},
            ]
        },
        "audience": {
            "Fn::If": ["CreateUserPool", [{"Ref": "UserPoolClient"}], {"Ref": "JwtAudience"}]
        },
    }


def test_own_issuer_and_audience_must_be_named_without_user_pool(
    transformed: dict[str, Any],
) -> None:
    # Without an audience, the authorizer would take any token of the issuer, meant
    # for any of its applications.
    rule = transformed["Rules"]["OwnIssuerIsNamed"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "CreateUserPool"}, "false"]}
    assert [assertion["Assert"] for assertion in rule["Assertions"]] == [
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "JwtIssuer"}, ""]}]},
        {"Fn::Not": [{"Fn::Contains": [{"Ref": "JwtAudience"}, ""]}]},
    ]


def test_admin_route_accepts_the_app_clients_tokens_without_scopes(
    resources: dict[str, Any],
) -> None:
    # An HTTP API JWT authorizer takes a token whose `aud` (ID token) or `client_id`
    # (access token) is in the audience; a route with scopes would take access tokens
    # only. No scopes here: Cognito's ID token, which docs/deploy.md uses, carries
    # `cognito:groups`, and so does its access token.
    paths = api_body(resources)["paths"]
    assert paths["/admin/graphql"]["post"]["security"] == [{"AdminJwt": []}]
    scheme = api_body(resources)["components"]["securitySchemes"]["AdminJwt"]
    audience = scheme["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["audience"]
    assert audience["Fn::If"][1] == [{"Ref": "UserPoolClient"}]
    _, client = only(resources, "AWS::Cognito::UserPoolClient")
    assert client["Properties"]["GenerateSecret"] is False


def test_user_pool_requires_totp_mfa_for_every_admin(resources: dict[str, Any]) -> None:
    _, pool = only(resources, "AWS::Cognito::UserPool")
    assert pool["Properties"]["MfaConfiguration"] == "ON"
    assert pool["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    _, client = only(resources, "AWS::Cognito::UserPoolClient")
    # docs/deploy.md's sign-in: a password, then the MFA setup or code challenge.
    assert "ALLOW_USER_PASSWORD_AUTH" in client["Properties"]["ExplicitAuthFlows"]


# What each access log line holds, as API Gateway's $context variables.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "authorizerError": "$context.authorizer.error",
    "integrationLatency": "$context.integrationLatency",
}


def test_stage_access_log_is_json_without_credentials(resources: dict[str, Any]) -> None:
    # Requests the authorizer or the throttling refuse never reach the function: the
    # stage's access log is the only record of them.
    _, stage = only(resources, "AWS::ApiGatewayV2::Stage")
    settings = stage["Properties"]["AccessLogSettings"]
    fields = json.loads(settings["Format"])
    assert fields.items() >= ACCESS_LOG_FIELDS.items()
    values = " ".join(fields.values()).lower()
    assert "header" not in values
    assert "authorizer.claims" not in values
    assert "authorizer.jwt" not in values
    log_group = settings["DestinationArn"]["Fn::GetAtt"][0]
    assert resources[log_group]["Type"] == "AWS::Logs::LogGroup"
    assert resources[log_group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_user_pool_has_admin_group_and_app_client_when_created(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    assert template["Parameters"]["CreateUserPool"]["AllowedValues"] == ["true", "false"]
    for kind in (
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolClient",
    ):
        _, resource = only(resources, kind)
        assert resource["Condition"] == "CreateUserPool"
    _, group = only(resources, "AWS::Cognito::UserPoolGroup")
    assert group["Properties"]["GroupName"] == {"Ref": "AdminGroup"}
    assert template["Parameters"]["AdminGroup"]["Default"] == "admin"


def test_cors_origins_come_from_parameter(transform_with: Any) -> None:
    origins = "https://shop.example.com,https://admin.example.com"
    body = api_body(transform_with({"CorsAllowedOrigins": origins})["Resources"])
    condition, cors, otherwise = body["x-amazon-apigateway-cors"]["Fn::If"]
    assert (condition, otherwise) == ("HasCorsOrigins", {"Ref": "AWS::NoValue"})
    assert cors["allowOrigins"] == {"Fn::Split": [",", origins]}
    assert cors["allowHeaders"] == [
        "authorization",
        "content-type",
        "apollographql-client-name",
        "apollographql-client-version",
    ]
    assert cors["exposeHeaders"] == ["etag"]


def test_function_environment_takes_http_settings_from_parameters(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    _, function = api_function(resources)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["CATALOG_TRUSTED_DOCUMENTS"] == {"Ref": "TrustedDocuments"}
    assert variables["CATALOG_CACHE_MAX_AGE"] == {"Ref": "CacheMaxAge"}
    assert variables["CATALOG_CACHE_STALE_WHILE_REVALIDATE"] == {"Ref": "CacheStaleWhileRevalidate"}
    assert template["Parameters"]["TrustedDocuments"]["AllowedValues"] == [
        "off",
        "allow",
        "require",
    ]


def test_cdn_is_optional_and_off_by_default(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    assert template["Parameters"]["EnableCdn"]["Default"] == "false"
    cdn = api_cdn(resources)
    for kind in (
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::CachePolicy",
        "AWS::CloudFront::OriginRequestPolicy",
    ):
        assert of_type(cdn, kind)
        assert all(res["Condition"] == "CdnEnabled" for res in of_type(cdn, kind).values())


def test_cdn_caches_public_reads_by_query_and_accept_and_never_admin(
    resources: dict[str, Any],
) -> None:
    _, distribution = only(api_cdn(resources), "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    public = config["DefaultCacheBehavior"]
    (admin,) = config["CacheBehaviors"]
    public_key = resources[public["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    admin_key = resources[admin["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    public_origin = resources[public["OriginRequestPolicyId"]["Ref"]]["Properties"][
        "OriginRequestPolicyConfig"
    ]
    public_parameters = public_key["ParametersInCacheKeyAndForwardedToOrigin"]
    assert public_parameters["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    assert public_parameters["HeadersConfig"]["Headers"] == ["Accept", "Origin"]
    assert public_parameters["CookiesConfig"] == {"CookieBehavior": "none"}
    # Authorization reaches the origin only on the admin path.
    assert "Authorization" not in public_origin["HeadersConfig"]["Headers"]
    assert admin["PathPattern"] == "/admin/*"
    assert "OriginRequestPolicyId" not in admin
    admin_headers = admin_key["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]
    assert "Authorization" in admin_headers["Headers"]
    # Never kept past a second, and the function answers no-store anyway.
    assert (admin_key["DefaultTTL"], admin_key["MaxTTL"]) == (0, 1)


CORS_REQUEST_HEADERS = {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}


def test_cdn_forwards_what_cors_needs_and_keys_public_reads_on_origin(
    resources: dict[str, Any],
) -> None:
    _, distribution = only(api_cdn(resources), "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    public = config["DefaultCacheBehavior"]
    (admin,) = config["CacheBehaviors"]
    public_key = resources[public["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    public_origin = resources[public["OriginRequestPolicyId"]["Ref"]]["Properties"][
        "OriginRequestPolicyConfig"
    ]
    admin_key = resources[admin["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    keyed = set(public_key["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"])
    forwarded = keyed | set(public_origin["HeadersConfig"]["Headers"])
    admin_forwarded = admin_key["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]
    # The gateway's CORS answer depends on Origin: public reads are cached per Origin.
    assert "Origin" in keyed
    assert forwarded >= CORS_REQUEST_HEADERS
    assert set(admin_forwarded["Headers"]) >= CORS_REQUEST_HEADERS
    # Preflights reach the gateway each time: OPTIONS is allowed, never cached.
    for behavior in (public, admin):
        assert "OPTIONS" in behavior["AllowedMethods"]
        assert "OPTIONS" not in behavior["CachedMethods"]


def test_cdn_never_caches_errors(resources: dict[str, Any]) -> None:
    _, distribution = only(api_cdn(resources), "AWS::CloudFront::Distribution")
    responses = distribution["Properties"]["DistributionConfig"]["CustomErrorResponses"]
    # Every code CloudFront lets a distribution configure, gateway errors included.
    assert {r["ErrorCode"] for r in responses} >= {400, 403, 404, 500, 502, 503, 504}
    assert all(r["ErrorCachingMinTTL"] == 0 for r in responses)
    assert all("ResponseCode" not in r for r in responses)


def assert_custom_domain_with_tls_1_2(
    template: dict[str, Any], distribution: dict[str, Any], prefix: str
) -> None:
    """`<prefix>DomainName` and its `<prefix>CertificateArn` (a rule: one needs the other)
    name the distribution and serve it with TLS 1.2 or later; without, CloudFront's own."""
    domain, certificate = f"{prefix}DomainName", f"{prefix}CertificateArn"
    assert template["Parameters"][domain]["Default"] == ""
    config = distribution["Properties"]["DistributionConfig"]
    condition, custom, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == f"Has{prefix}Domain"
    assert custom == {
        "AcmCertificateArn": {"Ref": certificate},
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert default == {"CloudFrontDefaultCertificate": True}
    assert config["Aliases"]["Fn::If"][:2] == [condition, [{"Ref": domain}]]
    rule = template["Rules"][f"{prefix}DomainHasCertificate"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": domain}, ""]}]}
    assert rule["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": certificate}, ""]}]
    }


def test_cdn_custom_domain_takes_an_acm_certificate_and_tls_1_2_or_later(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    _, distribution = only(api_cdn(resources), "AWS::CloudFront::Distribution")
    assert_custom_domain_with_tls_1_2(template, distribution, "Cdn")
    # Only with the CDN itself.
    assert {"Condition": "CdnEnabled"} in template["Conditions"]["HasCdnDomain"]["Fn::And"]


def test_images_custom_domain_takes_an_acm_certificate_and_tls_1_2_or_later(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    _, distribution = only(without_api_cdn(resources), "AWS::CloudFront::Distribution")
    assert_custom_domain_with_tls_1_2(template, distribution, "Images")


def test_waf_is_optional_in_front_of_the_cdn_with_a_rate_rule_per_ip(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    assert template["Parameters"]["EnableWaf"]["Default"] == "false"
    assert template["Conditions"]["WafEnabled"] == {
        "Fn::And": [{"Condition": "CdnEnabled"}, {"Fn::Equals": [{"Ref": "EnableWaf"}, "true"]}]
    }
    acl_name, acl = only(resources, "AWS::WAFv2::WebACL")
    assert acl["Condition"] == "WafEnabled"
    properties = acl["Properties"]
    assert properties["Scope"] == "CLOUDFRONT"
    assert properties["DefaultAction"] == {"Allow": {}}
    (rule,) = properties["Rules"]
    assert rule["Action"] == {"Block": {}}
    assert rule["Statement"]["RateBasedStatement"] == {
        "Limit": {"Ref": "WafRateLimit"},
        "EvaluationWindowSec": 300,
        "AggregateKeyType": "IP",
    }
    _, distribution = only(api_cdn(resources), "AWS::CloudFront::Distribution")
    web_acl = distribution["Properties"]["DistributionConfig"]["WebACLId"]["Fn::If"]
    assert web_acl[:2] == ["WafEnabled", {"Fn::GetAtt": [acl_name, "Arn"]}]
    assertions = template["Rules"]["WafNeedsCdnInUsEast1"]["Assertions"]
    assert {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]} in [
        a["Assert"] for a in assertions
    ]


def test_stage_throttling_comes_from_parameters(resources: dict[str, Any]) -> None:
    _, stage = only(resources, "AWS::ApiGatewayV2::Stage")
    assert stage["Properties"]["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"},
        "ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
    }


def test_outputs_name_urls_tables_and_user_pool(transformed: dict[str, Any]) -> None:
    outputs = transformed["Outputs"]
    assert outputs["GraphQLUrl"]["Value"]["Fn::Sub"].endswith("/graphql")
    assert outputs["AdminGraphQLUrl"]["Value"]["Fn::Sub"].endswith("/admin/graphql")
    assert outputs["ProductsTableName"]["Value"] == {"Ref": "ProductsTable"}
    assert outputs["CategoriesTableName"]["Value"] == {"Ref": "CategoriesTable"}
    assert outputs["UserPoolId"] == {"Condition": "CreateUserPool", "Value": {"Ref": "UserPool"}}
    assert outputs["ImagesDistributionId"]["Value"] == {"Ref": "ImagesDistribution"}


# Search (docs/search.md)


def policy_statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def test_tables_stream_new_and_old_images(resources: dict[str, Any]) -> None:
    for model in MODELS:
        _, table = table_of(resources, model)
        assert table["Properties"]["StreamSpecification"] == {
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        }


def test_indexer_is_the_artifacts_second_entry_point_fed_by_both_streams(
    resources: dict[str, Any],
) -> None:
    _, api = api_function(resources)
    indexer = resources["IndexerFunction"]["Properties"]
    assert indexer["Handler"] == "handler.index_changes"
    assert indexer["Code"] == api["Properties"]["Code"]
    # The indexer's own mappings (the change events' function has others on the streams).
    mappings = [
        m
        for m in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": "IndexerFunction"}
    ]
    assert sorted(
        (m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0], m["Properties"]["StartingPosition"])
        for m in mappings
    ) == [("CategoriesTable", "TRIM_HORIZON"), ("ProductsTable", "TRIM_HORIZON")]


def test_indexer_role_reads_the_streams_and_writes_the_snapshot_prefix_only(
    resources: dict[str, Any],
) -> None:
    statements = policy_statements(resources["IndexerRole"])
    grants = {
        json.dumps(statement["Resource"], sort_keys=True): sorted(as_list(statement["Action"]))
        for statement in statements
    }
    assert all(statement["Effect"] == "Allow" for statement in statements)
    listing = [s for s in statements if s["Action"] == "s3:ListBucket"]
    assert [s["Condition"] for s in listing] == [{"StringLike": {"s3:prefix": "search/*"}}]
    assert grants == {
        json.dumps(
            [
                {"Fn::GetAtt": ["ProductsTable", "StreamArn"]},
                {"Fn::GetAtt": ["CategoriesTable", "StreamArn"]},
            ]
        ): [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
        ],
        json.dumps({"Fn::Sub": "${SearchBucket.Arn}/search/*"}): [
            "s3:DeleteObject",
            "s3:GetObject",
            "s3:PutObject",
        ],
        json.dumps({"Fn::GetAtt": ["SearchBucket", "Arn"]}): ["s3:ListBucket"],
        json.dumps({"Fn::Sub": "${IndexerLogGroup.Arn}"}): [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    }


def test_functions_know_the_search_bucket_and_take_the_search_layer(
    resources: dict[str, Any],
) -> None:
    for name in ("ApiFunction", "IndexerFunction"):
        properties = resources[name]["Properties"]
        assert properties["Environment"]["Variables"]["CATALOG_SEARCH_BUCKET"] == {
            "Ref": "SearchBucket"
        }
        layers = [json.dumps(layer) for layer in properties["Layers"]]
        assert any("SearchLayer" in layer for layer in layers), layers
    (layer,) = of_type(resources, "AWS::Lambda::LayerVersion").values()
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_search_bucket_is_private_encrypted_and_retained(resources: dict[str, Any]) -> None:
    bucket = resources["SearchBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    access = bucket["Properties"]["PublicAccessBlockConfiguration"]
    assert all(access.values())
    assert "BucketEncryption" in bucket["Properties"]


def test_indexer_alarms_on_iterator_age_and_errors(resources: dict[str, Any]) -> None:
    indexer = [{"Name": "FunctionName", "Value": {"Ref": "IndexerFunction"}}]
    alarms = [
        alarm["Properties"]["MetricName"]
        for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Dimensions") == indexer
    ]
    assert sorted(alarms) == ["Errors", "IteratorAge"]
