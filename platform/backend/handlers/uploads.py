"""Entry point of the uploads function (presigned uploads and downloads of attachments,
avatars and call recordings): the one function that holds an S3 client."""

from backend.api import upload_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.services.uploads import s3_client
from backend.store.table import get_table

# Every client the routes use is built during init, not on the first request that needs it:
# DynamoDB (upload records, memberships, calls) and S3 (presigning).
get_table()
s3_client()
app = build_resolver(upload_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
