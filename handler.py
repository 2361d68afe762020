"""AWS Lambda entry points: API Gateway events to GraphQL, and stream records to events."""

from mangum import Mangum

from events.publisher import create_publisher
from settings import settings
from web.app import create_app
from web.observability import Observed

handler = Mangum(Observed(create_app()), lifespan="off")
publish_changes = create_publisher(settings)
