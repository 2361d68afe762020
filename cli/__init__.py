"""The `catalog` command: local DynamoDB, table creation, seeding and the dev server."""
