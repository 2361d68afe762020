"""The store boundary: the only package that talks to DynamoDB.

`binding.bind(settings)` points the models at their tables; `budget` holds each
request's deadline, call cap and the stats it publishes; `errors` translates storage
failures into coded errors; `entities` is the one write path of products and
categories; `compat` is the only door to PynamoDB's and botocore's internals.
"""
