"""Entry point of the auth function (health, register, confirm, login, refresh, logout)."""

from backend.api import auth_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry
from backend.services.accounts import cognito_client
from backend.store.table import get_table

# Clients are built during init, not on the first request (Lambda's init phase runs at full
# CPU and a warm-up ping must leave nothing for the first user to pay).
get_table()
cognito_client()
app = build_resolver(auth_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
