"""AWS Lambda entry point: API Gateway (HTTP API v2 or REST v1) events to GraphQL."""

from mangum import Mangum

from resolvers.image_sweep import scheduled
from web.app import create_app
from web.observability import Observed

handler = Mangum(Observed(create_app()), lifespan="off")
# The daily sweep of image files no product points at (ImagesSweepFunction).
sweep = scheduled
