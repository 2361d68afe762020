"""The stack floor: the least any handler on this project's fixed stack can do for a request.

A Mangum handler whose ASGI app reads the JSON body, looks up the document parsed
(and validated) beforehand, runs graphql-core's `execute` on the Strawberry schema
(with Strawberry's faster awaitable check, as Strawberry runs it),
whose resolvers read DynamoDB through PynamoDB, and answers the result as JSON.
No request limits, error codes, logs, metrics, request budget, HTTP checks or
Strawberry extensions: every layer of ours is left out, and what remains is Mangum,
Strawberry's resolvers, graphql-core and PynamoDB, which the stack fixes. Its
overhead ratio against raw botocore is the lowest this stack can reach on the
machine: an application's layers can only add to it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard, cast


def stack_floor(queries: list[str]) -> Any:
    """A Lambda handler answering the public `queries` (and nothing else) at the floor."""
    import graphql
    from mangum import Mangum
    from strawberry.execution.is_awaitable import optimized_is_awaitable

    from schema.compat import core_schema
    from schema.context import Context
    from schema.root import build_schema
    from settings import Settings

    schema = build_schema(Settings.from_env())

    graphql_schema = core_schema(schema)
    documents = {}
    for query in queries:
        document = graphql.parse(query)
        if graphql.validate(graphql_schema, document):
            raise RuntimeError(f"does not validate: {query}")
        documents[query] = document

    async def app(scope: Any, receive: Any, send: Any) -> None:
        request = json.loads((await receive())["body"])
        result = graphql.execute(
            graphql_schema,
            documents[request["query"]],
            variable_values=request["variables"],
            context_value=Context(identity=None),
            # Strawberry's own check, which it passes to graphql-core for the same reason.
            is_awaitable=cast("Callable[[Any], TypeGuard[Awaitable[Any]]]", optimized_is_awaitable),
        )
        # Synchronous: no resolver of this schema is async on these queries.
        result = cast("graphql.ExecutionResult", result)
        body = json.dumps({"data": result.data}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return Mangum(app, lifespan="off")
