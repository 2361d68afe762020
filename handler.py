"""AWS Lambda entry points: the GraphQL API, the change events, and the CDN purge."""

from mangum import Mangum

from events.publisher import create_publisher
from events.purge import create_purger
from settings import settings
from web.app import create_app
from web.observability import Observed

handler = Mangum(Observed(create_app()), lifespan="off")
publish_changes = create_publisher(settings)
purge_cdn = create_purger(settings)
