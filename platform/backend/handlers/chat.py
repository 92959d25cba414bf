"""Entry point of the chat function (profiles, conversations, messages, read markers, uploads)."""

from backend.api import chat_routes, upload_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.store.table import get_table

get_table()  # built during init, not on the first request
app = build_resolver(chat_routes.router, upload_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
