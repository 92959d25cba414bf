"""Everything that touches DynamoDB. `keys` owns every key shape; the rest are queries."""
