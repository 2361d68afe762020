"""Set for every tier: fake AWS credentials and region, so no test ever reaches AWS."""

from __future__ import annotations

import os

# Fake credentials and region, set before anything reads them (as PynamoDB's own
# test settings do); no test ever reaches AWS.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)
