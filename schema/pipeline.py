"""The schema's extensions run as one Strawberry extension (decision 0016).

For each request and each of its phases (operation, parse, validate, execute),
Strawberry asks every extension whether it has the phase's hook, wraps each hook in
`contextlib.contextmanager` and enters them on an `ExitStack`: with our eight
extensions that is 32 lookups and ten context managers built per request. `Pipeline`
is one extension whose hooks run the same hooks of the same extensions, in the same
order and nesting, with what Strawberry would do around them worked out once per
extension class: 4 lookups and 3 context managers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

# The phases a pipeline runs; every other hook is refused, so that a pipeline need not
# have it: Strawberry enters a pipeline's hook for each phase on every request.
PHASES = ("on_operation", "on_parse", "on_validate")
_OTHER_HOOKS = ("on_execute", "resolve", "on_stream_result")

Factory = Callable[[], SchemaExtension]


class Pipeline(SchemaExtension):
    """The extensions `factories` build, run as Strawberry runs a list of extensions.

    Each phase enters the extensions' hooks in list order and finishes them in
    reverse, as nested context managers do: an exception raised inside is thrown
    into each hook in turn, which may replace or suppress it. Hooks must be
    synchronous generators, as all of ours and Strawberry's built-ins used here are.
    """

    def __init__(self, factories: Sequence[Factory]) -> None:
        self.parts = [factory() for factory in factories]
        self._hooks = {phase: _hooks(self.parts, phase) for phase in PHASES}

    @property
    def execution_context(self) -> ExecutionContext:
        return self._execution_context

    @execution_context.setter
    def execution_context(self, context: ExecutionContext) -> None:
        # Strawberry sets it on each extension before the request's first hook.
        self._execution_context = context
        for part in self.parts:
            part.execution_context = context

    def on_operation(self) -> Iterator[None]:
        yield from _nested(self._hooks["on_operation"])

    def on_parse(self) -> Iterator[None]:
        yield from _nested(self._hooks["on_parse"])

    def on_validate(self) -> Iterator[None]:
        yield from _nested(self._hooks["on_validate"])

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for part in self.parts:
            results.update(part.get_results())  # type: ignore[arg-type]
        return results


def pipeline(factories: Sequence[Factory]) -> Factory:
    """A factory of `Pipeline`s over `factories`, checked now rather than on a request."""
    for part in (factory() for factory in factories):
        _check(type(part))
    return lambda: Pipeline(factories)


_overrides: dict[type[SchemaExtension], tuple[str, ...]] = {}


def _check(kind: type[SchemaExtension]) -> tuple[str, ...]:
    """The phases whose hook `kind` defines; TypeError for a hook a pipeline cannot run."""
    phases = _overrides.get(kind)
    if phases is None:
        for name in _OTHER_HOOKS:
            if getattr(kind, name) is not getattr(SchemaExtension, name):
                raise TypeError(f"{kind.__name__}.{name}: a pipeline runs no {name} hook")
        if inspect.iscoroutinefunction(kind.get_results):
            raise TypeError(f"{kind.__name__}.get_results: a pipeline's must be synchronous")
        phases = tuple(
            phase for phase in PHASES if getattr(kind, phase) is not getattr(SchemaExtension, phase)
        )
        for phase in phases:
            if not inspect.isgeneratorfunction(getattr(kind, phase)):
                raise TypeError(f"{kind.__name__}.{phase}: a pipeline runs generator hooks only")
        _overrides[kind] = phases
    return phases


def _hooks(parts: Sequence[SchemaExtension], phase: str) -> list[Callable[[], Iterator[None]]]:
    return [getattr(part, phase) for part in parts if phase in _check(type(part))]


def _nested(hooks: Sequence[Callable[[], Iterator[None]]]) -> Iterator[None]:
    """Run `hooks` as `with hook1(): with hook2(): ...: yield` would, built from generators."""
    entered: list[Iterator[None]] = []
    error: BaseException | None = None
    try:
        for hook in hooks:
            generator = hook()
            next(generator)
            entered.append(generator)
        yield
    except BaseException as raised:  # thrown into the hooks, as `with` does
        error = raised
    for generator in reversed(entered):
        error = _finish(generator, error)
    if error is not None:
        raise error


def _finish(generator: Iterator[None], error: BaseException | None) -> BaseException | None:
    """Resume a hook after its `yield`, or throw `error` into it; the error it leaves."""
    try:
        if error is None:
            next(generator)
        else:
            generator.throw(error)  # type: ignore[attr-defined]
    except StopIteration:
        return None
    except BaseException as raised:  # it replaces the error, as in `with`
        return raised
    return RuntimeError(f"{generator!r} yielded more than once")
