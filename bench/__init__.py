"""Benchmarks of the Lambda handler against the floors it cannot go below (`make bench`)."""
