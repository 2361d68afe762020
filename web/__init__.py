"""The HTTP transport: API Gateway requests (through Mangum) in, GraphQL answers out."""
