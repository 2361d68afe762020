"""AWS Lambda entry points, one line per function, built by the composition root."""

import compose
from settings import Settings

SETTINGS = Settings.from_env()

handler = compose.api(SETTINGS)
publish_changes = compose.publisher(SETTINGS)
purge_cdn = compose.purger(SETTINGS)
sweep = compose.sweeper(SETTINGS)
# The tables' stream batches to index snapshots in S3 (docs/search.md).
index_changes = compose.indexer(SETTINGS)
