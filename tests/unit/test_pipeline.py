"""schema/pipeline.py runs a list of extensions as Strawberry runs them, as one extension."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.pipeline import _nested, pipeline


@strawberry.type
class Query:
    @strawberry.field
    def answer(self) -> int:
        return 42


def _recording(name: str, log: list[str], fail_in: str | None = None) -> type[SchemaExtension]:
    """An extension that notes entering and leaving each phase, and errors it sees."""

    def hook(phase: str) -> Callable[[SchemaExtension], Iterator[None]]:
        def run(self: SchemaExtension) -> Iterator[None]:
            log.append(f"{name} enters {phase}")
            if phase == fail_in:
                raise GraphQLError(f"{name} refuses")
            yield
            log.append(f"{name} leaves {phase}")

        return run

    def get_results(self: SchemaExtension) -> dict[str, Any]:
        return {name: self.execution_context.operation_name}

    hooks = {phase: hook(phase) for phase in ("on_operation", "on_parse", "on_validate")}
    return type(name, (SchemaExtension,), {**hooks, "get_results": get_results})


def _run(extensions: list[Any], query: str = "query Ask { answer }") -> tuple[Any, Any]:
    schema = strawberry.Schema(Query, extensions=extensions)
    try:
        result = schema.execute_sync(query)
    except Exception as error:  # compared between the two runs
        return None, repr(error)
    return result.data, (result.errors, result.extensions)


@pytest.mark.parametrize("fail_in", [None, "on_parse", "on_validate"])
@pytest.mark.parametrize("query", ["query Ask { answer }", "query Ask { answer", "{ nope }"])
def test_a_pipeline_runs_the_hooks_strawberry_runs_in_the_same_order(
    fail_in: str | None, query: str
) -> None:
    # GIVEN two extensions, the second failing in one phase, as a list and as a pipeline
    listed: list[str] = []
    piped: list[str] = []
    as_list = [_recording("first", listed), _recording("second", listed, fail_in)]
    as_pipeline = [pipeline([_recording("first", piped), _recording("second", piped, fail_in)])]

    # WHEN each schema answers the same document (valid, unparsable, invalid)
    answer = _run(as_list, query)
    piped_answer = _run(as_pipeline, query)

    # THEN the hooks ran in the same order and the answers are the same
    assert piped == listed
    assert "first enters on_operation" in piped
    assert repr(piped_answer) == repr(answer)


def test_results_of_every_extension_reach_the_answer() -> None:
    log: list[str] = []

    _, (_, extensions) = _run([pipeline([_recording("a", log), _recording("b", log)])])

    assert extensions == {"a": "Ask", "b": "Ask"}


def _hook(log: list[str], name: str, *, fails: bool = False, swallows: bool = False) -> Any:
    def run() -> Iterator[None]:
        log.append(f"{name} in")
        if fails:
            raise ValueError(name)
        try:
            yield
        except ValueError as error:
            log.append(f"{name} saw {error}")
            if not swallows:
                raise
            return
        log.append(f"{name} out")

    return run


def _with_stack(hooks: list[Any], inner: Exception | None) -> str:
    """What `with` statements nesting the hooks as context managers do."""
    try:
        with contextlib.ExitStack() as stack:
            for hook in hooks:
                stack.enter_context(contextlib.contextmanager(hook)())
            if inner:
                raise inner
    except ValueError as error:
        return f"raised {error}"
    return "returned"


def _with_nested(hooks: list[Any], inner: Exception | None) -> str:
    """What the pipeline does: one context manager over `_nested(hooks)`."""
    try:
        with contextlib.contextmanager(lambda: _nested(hooks))():
            if inner:
                raise inner
    except ValueError as error:
        return f"raised {error}"
    return "returned"


@pytest.mark.parametrize(
    ("shape", "inner"),
    [
        pytest.param({}, None, id="no error"),
        pytest.param({}, ValueError("inner"), id="error inside"),
        pytest.param({"b": {"swallows": True}}, ValueError("inner"), id="suppressed"),
        pytest.param({"c": {"fails": True}}, None, id="entering fails"),
    ],
)
def test_nested_hooks_finish_as_nested_with_statements(
    shape: dict[str, dict[str, bool]], inner: Exception | None
) -> None:
    stacked: list[str] = []
    nested: list[str] = []

    outcome = _with_stack([_hook(stacked, n, **shape.get(n, {})) for n in "abc"], inner)
    nested_outcome = _with_nested([_hook(nested, n, **shape.get(n, {})) for n in "abc"], inner)

    assert (nested_outcome, nested) == (outcome, stacked)


class Resolving(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


class Asynchronous(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield


class Executing(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        yield


@pytest.mark.parametrize("extension", [Resolving, Asynchronous, Executing])
def test_a_hook_a_pipeline_cannot_run_is_refused_when_the_schema_is_built(
    extension: type[SchemaExtension],
) -> None:
    with pytest.raises(TypeError, match=extension.__name__):
        pipeline([extension])
