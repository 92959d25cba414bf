"""Entry point of the auth function (health, register, confirm, login, refresh, logout)."""

from backend.api import auth_routes
from backend.api.resolver import build_resolver, prime, resolve_with
from backend.observability import lambda_entry

app = build_resolver(auth_routes.router)
handler = lambda_entry(resolve_with(app), prime=lambda: prime(app))
