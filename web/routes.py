"""The two GraphQL endpoints: one public, one for admins behind API Gateway's authorizer."""

PUBLIC_PATH = "/graphql"
ADMIN_PATH = "/admin/graphql"
