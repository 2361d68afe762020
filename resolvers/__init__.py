"""The catalog's operations: validation, DynamoDB access and error mapping."""
