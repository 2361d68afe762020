"""Request limits: depth, aliases, directives, cost and storage calls, checked before
any resolver runs.

(The token limit is Strawberry's MaxTokensLimiter, which sets graphql-core's parser
limit; `RequestLimits` gives its error the limits' code.)

Depth, aliases, directives, cost and storage calls are measured in one walk of each operation, with
fragments expanded where they are spread (each fragment measured once, so a fragment
spread many times costs the walk nothing more). The walk runs before GraphQL's own
validation, whose cost grows faster than the document: an abusive document is refused
before it is validated. Only the subtree of the introspection fields `__schema` and
`__type` is measured otherwise, and only when it is a field of that name: an operation,
fragment or alias named `__schema` is measured like any other. Its depth is exempt
(graphql-core's MaxIntrospectionDepthRule bounds it instead, which the standard
introspection query of GraphiQL and codegen tools passes) and it costs what the
fullest standard introspection answer holds (`introspection_cost`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_introspection_query,
    get_named_type,
    graphql_sync,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from resolvers import categories, category_tree, product_bulk, product_lists, products, search
from resolvers.pagination import UNKNOWN, Unknown
from resolvers.validation import MAX_PAGE
from schema.caches import LIMITS_CACHE_BYTES, text_bytes
from schema.compat import core_schema
from schema.recorder import bounded
from store import budget
from store.entities import WRITE_CALLS

logger = logging.getLogger("catalog")

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
PAGE_ARGUMENT = "first"
# predictiveSearch's page size: `limit` products and categories.
LIMIT_ARGUMENT = "limit"


class Arguments:
    """A field's arguments as far as the estimate can know them: literals, and variables
    from the request (or their defaults); UNKNOWN where neither says."""

    def __init__(self, meter: OperationMeter, node: FieldNode) -> None:
        self.meter = meter
        self.given = {argument.name.value: argument.value for argument in node.arguments or ()}

    def get(self, name: str, default: Any, *path: str) -> Any:
        """The argument's value (a field of it, by `path`), `default` when absent."""
        node = self.given.get(name)
        if node is None:
            return default
        value = self.meter.value(node, path)
        for key in path:
            if value is UNKNOWN or not isinstance(value, dict):
                break
            value = value.get(key, default)
        return value


# The fields whose resolvers call DynamoDB, and what one instance of each costs: the
# resolvers declare their costs beside their queries, and this maps the fields onto them.
# A `Category.products` is one page per category.
def _product_list(arguments: Arguments, include_deleted: bool | Unknown) -> int:
    return product_lists.page_calls(
        sort=arguments.get("sortKey", product_lists.NAME),
        include_deleted=include_deleted,
        in_stock=arguments.get("filter", None, "inStock"),
    )


def _lookup(arguments: Arguments, by_id: int, by_slug: int) -> int:
    """One item by id, or by a slug (its claim first): a slug not known to be null costs more."""
    return by_id if arguments.get("slug", None) is None else by_slug


# An input field the request does not give (a null is given).
_ABSENT = object()


STORAGE_CALLS: Mapping[tuple[str, str], Callable[[Arguments], int]] = {
    ("Query", "product"): lambda a: _lookup(a, products.GET_CALLS, products.SLUG_GET_CALLS),
    ("Query", "category"): lambda a: _lookup(a, categories.GET_CALLS, categories.SLUG_GET_CALLS),
    ("Query", "products"): lambda a: _product_list(a, a.get("includeDeleted", False)),
    ("Query", "categories"): lambda a: categories.page_calls(
        a.get("includeDeleted", False), by_parent=a.get("parentId", None) is not None
    ),
    # A category's children are one Query per category; its breadcrumbs are batched.
    ("Category", "children"): lambda _: 1,
    # An upsertCategory that may move a subtree reads and writes it in one request.
    # (parentId given, an id or null).
    ("Mutation", "upsertCategory"): lambda a: (
        WRITE_CALLS if a.get("input", _ABSENT, "parentId") is _ABSENT else category_tree.MOVE_CALLS
    ),
    ("Category", "products"): lambda a: _product_list(a, False),
    # A search asks the index (no call), then reads its page's products in one
    # BatchGetItem; the categories come in one more, batched below.
    ("Query", "search"): lambda _: search.SEARCH_CALLS,
    ("Query", "predictiveSearch"): lambda _: search.PREDICT_CALLS,
    # Up to 100 products in a few batched reads and transactions, not 2 calls each.
    ("Mutation", "upsertProducts"): lambda _: product_bulk.BULK_CALLS,
}
# Fields answered together for a whole page: the categories of a page of products are
# one BatchGetItem (schema/product.py's CategoryBatch), not one call per product; a
# search's facet labels and predictive search's categories come in the same one.
BATCHED_CALLS = frozenset(
    {
        ("Product", "category"),
        ("Category", "parent"),
        ("Category", "ancestors"),
        ("ProductSearchConnection", "facets"),
        ("PredictiveSearchResult", "categories"),
    }
)
# Connections whose items' batched fields are answered from memory: the products of a
# category already know their category (ProductConnection.from_page's `parent`).
PARENT_KNOWN = frozenset({("Category", "products")})
# How graphql-core ends the syntax errors of its parse limits.
ABORTED = "Parsing aborted."


@dataclass(frozen=True)
class Limits:
    """The most a single request may ask for; see docs/security.md."""

    max_depth: int
    max_aliases: int
    max_directives: int
    max_cost: int
    max_storage_calls: int


LIMIT_CODE = "GRAPHQL_VALIDATION_FAILED"


class LimitExceeded(GraphQLError):
    """A request over one of the limits, refused before GraphQL's own validation."""

    def __init__(self, message: str, node: OperationDefinitionNode) -> None:
        super().__init__(message, node, extensions={"code": LIMIT_CODE})


@dataclass(frozen=True)
class Measure:
    """What a selection asks for, relative to one instance of its parent."""

    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0
    # DynamoDB calls, and the batched reads (one call per page, or per item outside a page).
    calls: int = 0
    batched: int = 0
    # How deep batched fields nest (a page's categories, then their breadcrumbs): the
    # batches one page reads.
    batch_depth: int = 0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.directives + other.directives,
            self.cost + other.cost,
            self.calls + other.calls,
            self.batched + other.batched,
            max(self.batch_depth, other.batch_depth),
        )

    @property
    def storage_calls(self) -> int:
        """The calls of a whole operation: a batch outside any page reads once per item."""
        return self.calls + self.batched


class OperationMeter:
    """Measures the operations of one document against the schema and the request's variables.

    Depth is counted as graphql-armor counts it: a top-level field is at depth 1, each
    field selected inside it one deeper, and fragments add no level of their own.
    Cost is the number of fields the response can hold: each field costs 1 per
    instance of its parent, and a field taking `first` multiplies what it selects by
    the page size it asks for (its literal, else the variable's value, else the
    variable's default, else the field's default; an unknown value counts as the
    largest page, MAX_PAGE).
    Storage calls are the DynamoDB calls the resolvers make: each field of
    STORAGE_CALLS costs its calls per instance of its parent, so a connection under a
    page costs a Query per item of the page, while a batched field costs one call per
    page that holds it.
    """

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self._measured: dict[str, Measure] = {}
        self._entered: set[str] = set()
        self._defaults: dict[str, Any] = {}
        # The variables (and paths within them) whose values the measure read: a page
        # size, a sort key, a filter's inStock. All it depends on besides the document.
        self.page_variables: set[tuple[str, ...]] = set()
        self._default_values: dict[str, Any] = {}

    def measure(self, operation: OperationDefinitionNode) -> Measure:
        # A fragment's cost can depend on the operation's variable defaults.
        self._measured = {}
        self._defaults = {
            node.variable.name.value: _int_literal(node.default_value)
            for node in operation.variable_definitions or ()
        }
        self._default_values = {
            node.variable.name.value: value_from_ast_untyped(node.default_value)
            for node in operation.variable_definitions or ()
            if node.default_value is not None
        }
        root = self.schema.get_root_type(operation.operation)
        return Measure(directives=len(operation.directives or ())) + self._selections(
            operation.selection_set, root
        )

    def _selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> Measure:
        total = Measure()
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                total += self._field(node, parent)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += Measure(directives=len(node.directives or ()))
                total += self._selections(node.selection_set, scope)
            elif isinstance(node, FragmentSpreadNode):
                total += Measure(directives=len(node.directives or ()))
                total += self._fragment(node.name.value)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        alias = 1 if node.alias else 0
        directives = len(node.directives or ())
        if node.name.value in INTROSPECTION_FIELDS:
            # Its depth is exempt (MaxIntrospectionDepthRule bounds it); its cost is what
            # the fullest standard introspection answer holds, once more per alias inside.
            inner = self._selections(node.selection_set, None)
            cost = introspection_cost(self.schema) * (1 + inner.aliases)
            return Measure(1, alias + inner.aliases, directives + inner.directives, cost)
        definition = (
            parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType) else None
        )
        child_type = get_named_type(definition.type) if definition else None
        inner = self._selections(node.selection_set, child_type)
        page_argument = _page_argument(definition)
        page = self._page_size(node, page_argument)
        key = (parent.name if parent else "", node.name.value)
        calls = self._own_calls(node, key)
        batched = inner.batched + (1 if key in BATCHED_CALLS else 0)
        batch_depth = inner.batch_depth + (1 if key in BATCHED_CALLS else 0)
        if page_argument is not None:
            # One batch per page, however many items of the page select it (and one
            # more for each batch nested in it: a page's categories, then their
            # breadcrumbs).
            calls += batch_depth if page and key not in PARENT_KNOWN else 0
            batched = batch_depth = 0
        return Measure(
            depth=1 + inner.depth,
            aliases=alias + inner.aliases,
            directives=directives + inner.directives,
            cost=1 + inner.cost * page,
            calls=calls + inner.calls * page,
            batched=batched,
            batch_depth=batch_depth,
        )

    def _own_calls(self, node: FieldNode, key: tuple[str, str]) -> int:
        cost = STORAGE_CALLS.get(key)
        parent_is_mutation = key[0] == getattr(self.schema.mutation_type, "name", None)
        if parent_is_mutation and cost is None:
            return WRITE_CALLS
        return cost(Arguments(self, node)) if cost is not None else 0

    def value(self, node: ValueNode, path: tuple[str, ...] = ()) -> Any:
        """An argument's value, variables taken from the request, then their defaults;
        UNKNOWN for a variable neither gives (counted as its costliest value). Each
        variable read is one the measure depends on (at `path` within it), so the cache
        of measured requests keys on it."""
        if isinstance(node, VariableNode):
            name = node.name.value
            self.page_variables.add((name, *path))
            if name in self.variables:
                return self.variables[name]
            return self._default_values.get(name, UNKNOWN)
        value = value_from_ast_untyped(node, dict(self.variables))
        return UNKNOWN if value is Undefined else value

    def _fragment(self, name: str) -> Measure:
        if name in self._measured:
            return self._measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._entered:
            # Unknown fragments and cycles are left to GraphQL's own validation.
            return Measure()
        self._entered.add(name)
        scope = self.schema.get_type(fragment.type_condition.name.value)
        measure = Measure(directives=len(fragment.directives or ())) + self._selections(
            fragment.selection_set, scope
        )
        self._entered.discard(name)
        self._measured[name] = measure
        return measure

    def _page_size(self, node: FieldNode, argument: Any) -> int:
        if argument is None:
            return 1
        value: Any = None
        for given in node.arguments or ():
            if given.name.value in (PAGE_ARGUMENT, LIMIT_ARGUMENT):
                value = _int_literal(given.value)
                if isinstance(given.value, VariableNode):
                    name = given.value.name.value
                    self.page_variables.add((name,))
                    value = self.variables.get(name, self._defaults.get(name))
                break
        else:
            value = argument.default_value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PAGE:
            return value
        return MAX_PAGE


@lru_cache(maxsize=4)
def introspection_cost(schema: GraphQLSchema) -> int:
    """The number of values (fields) in `schema`'s answer to the fullest standard
    introspection query, descriptions and all: what one `__schema` or `__type` costs.

    Introspection reads no storage, but 15 aliased `__schema` answered 636 KB for 190 ms of
    CPU. Computed once per schema, on the first introspection request (30 ms).
    """
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    return _values(graphql_sync(schema, query).data)


def _values(answer: Any) -> int:
    if isinstance(answer, dict):
        return sum(1 + _values(value) for value in answer.values())
    if isinstance(answer, list):
        return sum(_values(item) for item in answer)
    return 0


def _page_argument(definition: Any) -> Any:
    """The argument that sets how many items a field answers: `first`, or
    predictiveSearch's `limit`."""
    if definition is None:
        return None
    return definition.args.get(PAGE_ARGUMENT) or definition.args.get(LIMIT_ARGUMENT)


def _int_literal(node: Any) -> int | None:
    return int(node.value) if isinstance(node, IntValueNode) else None


@dataclass(frozen=True)
class Measured:
    """What the limits found of one document: its errors, the variables the measure
    depended on, and each operation's estimated storage calls, by name."""

    errors: list[GraphQLError]
    page_variables: frozenset[tuple[str, ...]]
    storage_calls: dict[str | None, int]


def measure_limits(
    limits: Limits,
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
) -> Measured:
    """The limits each operation of `document` is over, as errors (none when within),
    the variables the measure depended on, and each operation's storage calls."""
    meter = OperationMeter(schema, document, variables)
    errors: list[GraphQLError] = []
    storage_calls: dict[str | None, int] = {}
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        measure = meter.measure(operation)
        storage_calls[operation.name.value if operation.name else None] = measure.storage_calls
        # Names are chosen by clients: the message (and the log line) stays short.
        name = f"Operation '{bounded(operation.name.value)}'" if operation.name else "The operation"
        for actual, limit, what in (
            (measure.depth, limits.max_depth, "depth"),
            (measure.aliases, limits.max_aliases, "aliases"),
            (measure.directives, limits.max_directives, "directives"),
            (measure.cost, limits.max_cost, "cost"),
            (measure.storage_calls, limits.max_storage_calls, "storage calls"),
        ):
            if actual > limit:
                message = f"{name} exceeds the maximum {what} of {limit} ({what}: {actual})."
                errors.append(LimitExceeded(message, operation))
    return Measured(errors, frozenset(meter.page_variables), storage_calls)


_ABSENT = object()
# A key's tuple, its page sizes and the set's and dict's slots, beside the text.
ENTRY_BYTES = 512


class KnownWithinLimits:
    """Requests measured within the limits before: documents, with the page sizes their
    variables set, and their operations' estimated storage calls.

    Clients send the same few documents, so measuring each request anew repeats the
    same walk. A document's measure depends on a request only through the variables
    it passes as `first`: the key is the document's text and those variables' values.
    """

    def __init__(self, size: int = 512, max_bytes: int = LIMITS_CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        # The texts and estimates kept, counted as CPython holds them, once per key.
        self.bytes = 0
        self._page_variables: dict[str, frozenset[tuple[str, ...]]] = {}
        self._within: dict[tuple[Any, ...], dict[str | None, int]] = {}

    def get(self, query: str, variables: Mapping[str, Any]) -> dict[str | None, int] | None:
        """The storage calls of a request measured within the limits before, else None."""
        names = self._page_variables.get(query)
        if names is None:
            return None
        return self._within.get(_key(query, names, variables))

    def clear(self) -> None:
        self._within.clear()
        self._page_variables.clear()
        self.bytes = 0

    def add(self, query: str, measured: Measured, variables: Mapping[str, Any]) -> None:
        cost = ENTRY_BYTES + text_bytes(query) + _estimates_bytes(measured.storage_calls)
        if cost > self.max_bytes:
            return
        if len(self._within) >= self.size or self.bytes + cost > self.max_bytes:
            # A bound keeps hostile requests from growing it; the common ones come back.
            self.clear()
        self._page_variables[query] = measured.page_variables
        key = _key(query, measured.page_variables, variables)
        if key not in self._within:
            self.bytes += cost
        self._within[key] = measured.storage_calls


def _estimates_bytes(estimates: dict[str | None, int]) -> int:
    """What a document's estimates hold beside its text: the dict, and each operation's
    name (a client's string, as long as it likes) copied out of the document."""
    return sys.getsizeof(estimates) + sum(text_bytes(name) for name in estimates if name)


def _key(
    query: str, paths: frozenset[tuple[str, ...]], variables: Mapping[str, Any]
) -> tuple[Any, ...]:
    values: list[tuple[Any, ...]] = []
    for path in sorted(paths):
        value: Any = variables
        for name in path:
            value = value.get(name, _ABSENT) if isinstance(value, dict) else _ABSENT
        if value is _ABSENT:
            values.append(("absent",))
        elif isinstance(value, int) and not isinstance(value, bool):
            values.append(("page", value))
        elif value is None or isinstance(value, (bool, str)):
            values.append(("value", value))
        else:
            # Any other value is measured as the costliest.
            values.append(("other",))
    return (query, *values)


class RequestLimits(SchemaExtension):
    """Refuses a request over any of `limits` before validation and execution.

    `known` is shared by the requests to one schema: those measured within before.
    """

    def __init__(self, limits: Limits, known: KnownWithinLimits) -> None:
        self.limits = limits
        self.known = known
        # The operations' estimated storage calls, once measured (none for a document
        # that did not parse).
        self.estimates: dict[str | None, int] | None = None
        self.refused = False

    def on_parse(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or []
        # graphql-core refuses a document over the token limit (comments included) with
        # a syntax error; it is a limit, like the others, not a client's typo.
        for error in errors:
            if isinstance(error, GraphQLSyntaxError) and error.message.endswith(ABORTED):
                error.extensions = {"code": LIMIT_CODE}
                self._log([error])

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables or {}
        query = context.query
        if context.graphql_document is not None and context.pre_execution_errors is None:
            self.estimates = self.known.get(query, variables) if query is not None else None
            if self.estimates is None:
                measured = measure_limits(
                    self.limits, core_schema(context.schema), context.graphql_document, variables
                )
                self.estimates = measured.storage_calls
                if not measured.errors and query is not None:
                    self.known.add(query, measured, variables)
                if measured.errors:
                    # Set before GraphQL's validation, which Strawberry then skips.
                    context.pre_execution_errors = measured.errors
                    self.refused = True
                    self._log(measured.errors)
        yield

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost`: the storage calls estimated, made and allowed (docs/api.md).

        On every answer whose document was measured; one refused by a limit made no
        call, so it carries the estimate and the maximum only.
        """
        if not self.estimates:
            return {}
        name = self.execution_context.operation_name
        estimated = self.estimates.get(name) if name in self.estimates else None
        if estimated is None:
            # One operation, run without its name; several, each within: the largest.
            estimated = max(self.estimates.values())
        cost: dict[str, int] = {"estimatedStorageCalls": estimated}
        stats = budget.current()
        if not self.refused and stats is not None:
            cost["actualStorageCalls"] = stats.made
        cost["maxStorageCalls"] = self.limits.max_storage_calls
        return {"cost": cost}

    def _log(self, errors: list[GraphQLError]) -> None:
        request_id = getattr(self.execution_context.context, "request_id", None)
        for error in errors:
            logger.warning("request %s refused: %s", request_id, error.message)
