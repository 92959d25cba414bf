"""Routes of the auth function: health and the Cognito account flows."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from backend.api.models.auth import (
    ConfirmIn,
    HealthOut,
    LoginIn,
    LoginOut,
    RefreshIn,
    RefreshOut,
    RegisterIn,
    RegisterOut,
)
from backend.api.resolver import current_caller, json_response
from backend.api.responses import ok
from backend.observability import metrics
from backend.services import accounts
from backend.services.accounts import InvalidCredentials
from backend.store.table import get_table

router = Router()


@router.get("/health", responses=ok(200, "the API answers", HealthOut), tags=["health"])
def health():
    return json_response(200, {"status": "ok"})


@router.post("/auth/register", responses=ok(201, "account created", RegisterOut, 400, 409, 429), tags=["auth"])
def register(body: Annotated[RegisterIn, Body()]):
    registration = accounts.register(get_table(), body.email, body.password, body.name)
    metrics.add_metric(name="UsersRegistered", unit=MetricUnit.Count, value=1)
    return json_response(201, {"userId": registration.user_id, "confirmed": registration.confirmed})


@router.post(
    "/auth/confirm",
    responses=ok(204, "account confirmed", None, 400, 429),
    tags=["auth"],
    description=(
        "Confirms a sign-up with the emailed code. A well-formed request can still be refused: a wrong or "
        "expired code, an unknown email and an account confirmed already all answer 400 invalid_code, alike, "
        "so that this route tells nobody which emails have accounts."
    ),
)
def confirm(body: Annotated[ConfirmIn, Body()]):
    accounts.confirm(body.email, body.code)
    return json_response(204)


@router.post("/auth/login", responses=ok(200, "tokens", LoginOut, 401, 403, 429), tags=["auth"])
def login(body: Annotated[LoginIn, Body()]):
    try:
        tokens = accounts.login(body.email, body.password)
    except InvalidCredentials:
        metrics.add_metric(name="LoginFailures", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="Logins", unit=MetricUnit.Count, value=1)
    return json_response(200, tokens)


@router.post("/auth/refresh", responses=ok(200, "new tokens", RefreshOut, 401, 429), tags=["auth"])
def refresh(body: Annotated[RefreshIn, Body()]):
    return json_response(200, accounts.refresh(body.refreshToken))


@router.post(
    "/auth/logout",
    responses=ok(204, "this and every other session of the user ended, sockets closed", None, 401),
    tags=["auth"],
)
def logout():
    accounts.logout(get_table(), current_caller(router))
    return json_response(204)
