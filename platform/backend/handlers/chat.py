"""Entry point of the chat function (profiles, conversations, messages, read markers)."""

from backend.api import chat_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry

app = build_resolver(chat_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
