"""Every use of Strawberry's private or undocumented API, in one place.

strawberry-graphql is pinned to one minor (pyproject.toml). Before raising the pin,
run `tests/unit/test_compat.py`: each workaround here has a test there that fails
once upstream changes what it relies on or fixes what it works around.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

# Strawberry's validation step (its rules plus the ones it adds), undocumented: what its
# own ValidationCache calls, and schema/parsing.py's byte-bounded one in its place.
from strawberry.schema.schema import validate_document

if TYPE_CHECKING:
    from graphql import GraphQLSchema
    from strawberry.types.execution import ExecutionResult

__all__ = [
    "OPERATION_TYPE_NOT_ALLOWED",
    "REFUSED_BEFORE_EXECUTION",
    "SchemaWithoutFederationCheck",
    "call_parent_only_resolvers_directly",
    "core_schema",
    "data_fields",
    "http_result",
    "validate_document",
]

# What `Schema.execute` raises, before any resolver runs, for a request Strawberry's
# HTTP view answers with a 400 of its own: no query, a mutation over GET, an unknown
# operation name. Undocumented; strawberry/schema/exceptions.py and
# strawberry/exceptions/__init__.py.
REFUSED_BEFORE_EXECUTION: tuple[type[Exception], ...] = (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
    MissingQueryError,
)
# The one of them raised for an operation type not allowed: a mutation over GET.
OPERATION_TYPE_NOT_ALLOWED: type[Exception] = InvalidOperationTypeError


def core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built: `Schema._schema`, which has no public name."""
    return schema._schema


def http_result(result: ExecutionResult) -> GraphQLHTTPResponse:
    """The JSON body Strawberry's HTTP views send for `result` (`strawberry.http.process_result`,
    an internal of the views), so the app's fast path answers exactly as the view does.
    """
    return process_result(result)


def data_fields(type_: type) -> list[tuple[str, str]]:
    """A Strawberry type's fields that hold its own data, as (Python name, GraphQL name).

    Fields with a resolver (relations) and `strawberry.Private` ones are left out; the
    GraphQL name is the field's own or Strawberry's default camel case. The change
    events (events/changes.py) show items with these names. `is_private` and the
    definition's fields are undocumented (strawberry/types/private.py, base.py).
    """
    from strawberry.types import get_object_definition
    from strawberry.types.private import is_private
    from strawberry.utils.str_converters import to_camel_case

    definition = get_object_definition(type_, strict=True)
    return [
        (field.python_name, field.graphql_name or to_camel_case(field.python_name))
        for field in definition.fields
        if field.base_resolver is None and not is_private(field.type)
    ]


class SchemaWithoutFederationCheck(strawberry.Schema):
    """A schema that skips Strawberry's search for misused federation directives.

    `Schema.__init__` calls the private `_warn_for_federation_directives`, which imports
    `strawberry.federation` to look for its directives: 7 ms of every cold start for a
    schema that uses no federation. Not reported upstream yet (the nearest is
    strawberry-graphql/strawberry#2403, slow schema import). Remove this override once
    Strawberry imports the federation directives only when a schema has directives.
    """

    def _warn_for_federation_directives(self) -> None:
        pass


def call_parent_only_resolvers_directly(schema: strawberry.Schema) -> list[str]:
    """Let graphql-core call each resolver that takes only its parent (`root`) itself.

    Strawberry calls every resolver through a wrapper that builds an `Info`, converts
    arguments and chains field extensions, about 5 us a call: 7% of the CPU of a page
    of 100 products with `category { name }`, for resolvers that need none of it. A
    synchronous resolver with one parameter, `root`, and no arguments, info, field
    extensions, permissions or exception handlers gets the same value called directly.
    The GraphQL field's `resolve` and the converter's `_exception_handler_specs` are
    undocumented (strawberry/schema/schema_converter.py). Returns "Type.field" of each.
    """
    from graphql import GraphQLObjectType
    from strawberry.types.base import StrawberryObjectDefinition

    converter = schema.schema_converter
    if converter._exception_handler_specs:
        return []
    direct = []
    for type_name, graphql_type in core_schema(schema).type_map.items():
        definition = (graphql_type.extensions or {}).get(converter.DEFINITION_BACKREF)
        if not isinstance(graphql_type, GraphQLObjectType) or not isinstance(
            definition, StrawberryObjectDefinition
        ):
            continue
        for field in definition.fields:
            resolver = field.base_resolver
            if (
                resolver is None
                or resolver.is_async
                or field.extensions
                or field.permission_classes
                or resolver.arguments
                or resolver.root_parameter is None
                or len(resolver.signature.parameters) != 1
            ):
                continue
            name = converter.config.name_converter.get_graphql_name(field)
            graphql_type.fields[name].resolve = _parent_only(resolver.wrapped_func)
            direct.append(f"{type_name}.{name}")
    return direct


def _parent_only(function: Any) -> Any:
    def resolve(source: Any, _info: Any) -> Any:
        return function(source)

    return resolve
