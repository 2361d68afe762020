"""Catalog change events: DynamoDB stream records to EventBridge (docs/events.md)."""
