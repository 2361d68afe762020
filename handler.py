"""AWS Lambda entry points, one line per function, built by the composition root."""

import compose
from settings import Settings

SETTINGS = Settings.from_env()

handler = compose.api(SETTINGS)
# The daily sweep of image files no product points at (ImagesSweepFunction).
sweep = compose.sweeper(SETTINGS)
