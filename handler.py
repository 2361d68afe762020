"""AWS Lambda entry point: API Gateway (HTTP API v2 or REST v1) events to GraphQL."""

from mangum import Mangum

from schema.app import create_app

# Starlette types an ASGI app as returning Awaitable, Mangum's protocol wants a
# Coroutine; they are the same thing at run time.
handler = Mangum(create_app(), lifespan="off")  # type: ignore[arg-type]
