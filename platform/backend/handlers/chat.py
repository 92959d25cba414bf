"""Entry point of the chat function (profiles, conversations, messages, read markers).
Uploads have a function of their own (``backend.handlers.uploads``): chat loads no S3 client."""

from backend import adapters
from backend.api import chat_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.store.table import get_table

# Every client the routes use is built during init, not on the first request that needs it:
# DynamoDB and the management API with its pool (live delivery).
get_table()
adapters.sender()
adapters.fanout()
app = build_resolver(chat_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
