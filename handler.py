"""AWS Lambda entry points: API Gateway events to GraphQL, and the search indexer."""

from mangum import Mangum

from search.indexer import create_indexer
from web.app import create_app
from web.observability import Observed

handler = Mangum(Observed(create_app()), lifespan="off")
# The tables' stream batches to index snapshots in S3 (docs/search.md).
index_changes = create_indexer()
