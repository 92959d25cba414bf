"""Entry point of the call function (calls, history, ICE servers)."""

from backend.api import call_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.store.table import get_table

get_table()  # built during init, not on the first request
app = build_resolver(call_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
