"""The Lambda code: handlers (wiring), services (rules), store (every DynamoDB key and query)."""
