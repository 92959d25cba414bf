"""Entry point of the chat function (profiles, conversations, messages, read markers, uploads)."""

from backend import adapters
from backend.api import chat_routes, upload_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.services.uploads import s3_client
from backend.store.table import get_table

# Every client the routes use is built during init, not on the first request that needs it:
# DynamoDB, S3 (presigned uploads) and the management API with its pool (live delivery).
get_table()
s3_client()
adapters.sender()
adapters.fanout()
app = build_resolver(chat_routes.router, upload_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
