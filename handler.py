"""AWS Lambda entry point: API Gateway (HTTP API v2 or REST v1) events to GraphQL."""

from mangum import Mangum

from web.app import create_app
from web.observability import Observed

handler = Mangum(Observed(create_app()), lifespan="off")
