"""The rules: one module per area, free of HTTP and of DynamoDB key shapes."""
