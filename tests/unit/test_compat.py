"""What schema/compat.py and schema/parsing.py rely on in Strawberry, and work around.

Each test here fails when the Strawberry release in use no longer behaves as the
workaround assumes: the sign that the workaround can go, or must change, before the
strawberry-graphql pin in pyproject.toml is raised.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.permission import BasePermission
from strawberry.types.graphql import OperationType

from schema.compat import (
    REFUSED_BEFORE_EXECUTION,
    call_parent_only_resolvers_directly,
    core_schema,
    http_result,
)
from schema.errors import CodedErrors


@strawberry.type
class Query:
    @strawberry.field
    def answer(self) -> int:
        return 42


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> int:
        return 1


FEDERATION_PROBE = """
import sys
import strawberry
from schema.compat import SchemaWithoutFederationCheck

@strawberry.type
class Query:
    answer: int = 42

SCHEMA(query=Query)
print("strawberry.federation.schema_directives" in sys.modules)
"""


def _imports_federation(schema_class: str) -> bool:
    probe = FEDERATION_PROBE.replace("SCHEMA", schema_class)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return result.stdout.strip() == "True"


def test_strawberry_schema_still_imports_federation_on_build() -> None:
    # Fails once Strawberry stops importing its federation directives for every
    # schema: then SchemaWithoutFederationCheck can go.
    assert _imports_federation("strawberry.Schema")


def test_schema_without_federation_check_does_not_import_federation() -> None:
    assert not _imports_federation("SchemaWithoutFederationCheck")


def test_strawberry_parser_cache_still_leaves_syntax_errors_uncoded() -> None:
    # Fails once ParserCache's syntax errors pass through the other extensions
    # (strawberry-graphql/strawberry#1439): then schema/parsing.py can use ParserCache.
    schema = strawberry.Schema(Query, extensions=[CodedErrors, ParserCache])

    result = schema.execute_sync("{ answer")

    assert result.errors
    assert "code" not in (result.errors[0].extensions or {})


def test_strawberry_validation_cache_still_drops_earlier_errors() -> None:
    # Fails once ValidationCache keeps errors an earlier extension set: then
    # schema/parsing.py can use Strawberry's ValidationCache.
    class Refuses(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            self.execution_context.pre_execution_errors = [GraphQLError("refused")]
            yield

    schema = strawberry.Schema(Query, extensions=[Refuses, ValidationCache])

    result = schema.execute_sync("{ answer }")

    assert result.data == {"answer": 42}


def test_core_schema_is_graphql_cores_schema() -> None:
    schema = strawberry.Schema(Query)

    assert isinstance(core_schema(schema), GraphQLSchema)
    assert core_schema(schema).query_type is not None


@pytest.mark.parametrize(
    ("query", "operation_name", "allowed"),
    [
        ("mutation { touch }", None, {OperationType.QUERY}),
        ("query A { answer }", "B", {OperationType.QUERY}),
        ("", None, {OperationType.QUERY}),
    ],
    ids=["mutation-not-allowed", "unknown-operation-name", "no-query"],
)
def test_refused_before_execution_are_the_errors_strawberry_raises(
    query: str, operation_name: str | None, allowed: set[OperationType]
) -> None:
    schema = strawberry.Schema(Query, Mutation)

    with pytest.raises(REFUSED_BEFORE_EXECUTION):
        schema.execute_sync(query, operation_name=operation_name, allowed_operation_types=allowed)


def test_http_result_is_the_views_json_body() -> None:
    schema = strawberry.Schema(Query)

    assert http_result(schema.execute_sync("{ answer }")) == {"data": {"answer": 42}}
    body = http_result(schema.execute_sync("{ nope }"))
    assert body["data"] is None
    assert body["errors"]


def test_data_fields_are_the_schema_types_fields_without_relations() -> None:
    from schema.category import Category
    from schema.compat import data_fields
    from schema.product import Product
    from tests.catalog import public_schema_fields

    for type_, name in ((Product, "Product"), (Category, "Category")):
        fields = data_fields(type_)
        assert {graphql for _, graphql in fields} == public_schema_fields(name)
    assert ("image_url", "imageUrl") in data_fields(Product)
    assert "categories" not in {python for python, _ in data_fields(Product)}


def test_validate_document_is_what_strawberry_validates_with() -> None:
    # schema/parsing.py validates through it: it must still take the schema, the
    # document and the rules, and answer graphql-core's errors.
    from graphql import parse
    from graphql.validation import specified_rules

    from schema.compat import core_schema, validate_document
    from tests.client import DEFAULT_SETTINGS, schema_for

    errors = validate_document(
        core_schema(schema_for(DEFAULT_SETTINGS)), parse("{ noSuchField }"), tuple(specified_rules)
    )

    assert [error.message for error in errors] == [
        "Cannot query field 'noSuchField' on type 'Query'."
    ]


class Denied(BasePermission):
    message = "No."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


def _shout(root: Word) -> str:
    return root.text.upper()


def _with_info(root: Word, info: strawberry.Info) -> str:
    return f"{root.text}@{info.path.key}"


def _times(root: Word, times: int) -> str:
    return root.text * times


async def _later(root: Word) -> str:
    return root.text


@strawberry.type
class Word:
    text: str
    shout: str = strawberry.field(resolver=_shout)
    with_info: str = strawberry.field(resolver=_with_info)
    times: str = strawberry.field(resolver=_times)
    later: str = strawberry.field(resolver=_later)
    denied: str | None = strawberry.field(resolver=_shout, permission_classes=[Denied])


@strawberry.type
class Words:
    @strawberry.field
    def word(self) -> Word:
        return Word(text="hi")


def test_only_parent_only_resolvers_are_called_directly_and_answer_the_same() -> None:
    # GIVEN a schema with a resolver of each kind, and the same schema with the direct calls
    document = "{ word { text shout withInfo times(times: 2) later denied } }"
    plain = strawberry.Schema(Words)
    direct = strawberry.Schema(Words)

    # WHEN the parent-only resolvers are called directly in one
    converted = call_parent_only_resolvers_directly(direct)

    # THEN only `shout` is, and both answer the same, errors included
    assert converted == ["Word.shout"]
    shout = cast("GraphQLObjectType", core_schema(direct).type_map["Word"]).fields["shout"]
    plain_shout = cast("GraphQLObjectType", core_schema(plain).type_map["Word"]).fields["shout"]
    assert shout.resolve is not plain_shout.resolve
    # (a loop of its own: asyncio.run would leave this thread without one, which
    # Mangum, in the tests run after this one, needs)
    loop = asyncio.new_event_loop()
    try:
        expected = loop.run_until_complete(plain.execute(document))
        answer = loop.run_until_complete(direct.execute(document))
    finally:
        loop.close()
    assert (
        answer.data
        == expected.data
        == {
            "word": {
                "text": "hi",
                "shout": "HI",
                "withInfo": "hi@withInfo",
                "times": "hihi",
                "later": "hi",
                "denied": None,
            }
        }
    )
    assert [e.message for e in answer.errors or []] == ["No."]
    assert [e.message for e in expected.errors or []] == ["No."]
