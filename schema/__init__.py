"""The GraphQL schema: Strawberry types, inputs and the assembled schema."""
