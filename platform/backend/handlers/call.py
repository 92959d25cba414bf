"""Entry point of the call function (calls, history, ICE servers)."""

from backend import adapters
from backend.api import call_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.store.table import get_table

# Every client the routes use is built during init, not on the first request that needs it:
# DynamoDB and the management API with its pool (call events go to the participants live).
get_table()
adapters.sender()
adapters.fanout()
app = build_resolver(call_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
