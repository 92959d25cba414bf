"""After init and one warm-up ping, a function has built every AWS client its permissions in the
stack model let it use: no user request pays for creating one (issue 2: a warm-up ping leaves
the environment truly warm).

One documented exception, on demand only: the websocket function's S3 client, which only a
message with attachments uses, is left to that message when a user waits for the init
(``backend.init_phase.paid_ahead``); initialized ahead of traffic it is built during init."""

from __future__ import annotations

import pytest
from infra.model import Function
from infra.stack import STACK

from tests.support.fresh_interpreter import run_fresh

# The getter that builds (once) the client a permission on each resource is used through.
_CLIENT_OF_RESOURCE = {
    "table": "backend.store.table:dynamodb_client",
    "bucket": "backend.services.uploads:s3_client",
    "websocket_connections": "backend.adapters:sender",
    "user_pool": "backend.services.accounts:cognito_client",
}

_PROBE = """
import importlib, json, sys
import botocore.session

module = importlib.import_module(sys.argv[1])

class Context:
    function_name = "probe"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:probe"
    aws_request_id = "probe"

    def get_remaining_time_in_millis(self):
        return 10_000

module.handler({"warmup": True}, Context())

created = []
original = botocore.session.Session.create_client

def counting(self, service_name, *args, **kwargs):
    created.append(service_name)
    return original(self, service_name, *args, **kwargs)

botocore.session.Session.create_client = counting
for getter in sys.argv[2:]:
    owner, name = getter.split(":")
    getattr(importlib.import_module(owner), name)()
print(json.dumps(created))
"""


def _functions_with_clients() -> list[tuple[str, list[str]]]:
    out = []
    for function in STACK.functions:
        resources = sorted({p.resource for p in function.permissions if p.resource in _CLIENT_OF_RESOURCE})
        if resources:
            module = function.handler.rsplit(".", 1)[0]
            out.append((module, [_CLIENT_OF_RESOURCE[r] for r in resources]))
    return out


def test_every_permitted_resource_has_a_known_client() -> None:
    used = {p.resource for f in STACK.functions for p in f.permissions}
    assert used - {"table_indexes"} <= set(_CLIENT_OF_RESOURCE), "add the new resource's client getter here"


# Clients an on-demand init leaves to the first request that needs them (see the docstring).
_LAZY_ON_DEMAND = {"backend.handlers.websocket": {"backend.services.uploads:s3_client": "s3"}}


@pytest.mark.parametrize(("module", "getters"), _functions_with_clients())
def test_no_client_is_created_after_the_warm_up_ping(module: str, getters: list[str]) -> None:
    ahead = run_fresh(_PROBE, module, *getters, env={"AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency"})
    assert ahead == [], f"{module} builds {ahead} on a user request instead of during init"
    on_demand = run_fresh(_PROBE, module, *getters, env={"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"})
    lazy = _LAZY_ON_DEMAND.get(module, {})
    assert on_demand == [lazy[g] for g in getters if g in lazy], f"{module} on demand builds {on_demand} late"


# Which service each resource's client talks to.
_SERVICE_OF_RESOURCE = {
    "table": "dynamodb",
    "bucket": "s3",
    "websocket_connections": "apigatewaymanagementapi",
    "user_pool": "cognito-idp",
}

_INIT_CLIENTS = """
import importlib, json, sys
import botocore.session

created = []
original = botocore.session.Session.create_client

def counting(self, service_name, *args, **kwargs):
    created.append(service_name)
    return original(self, service_name, *args, **kwargs)

botocore.session.Session.create_client = counting
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(set(created))))
"""


@pytest.mark.parametrize("function", [f for f in STACK.functions if f.permissions], ids=lambda f: f.name)
def test_init_builds_only_the_clients_its_permissions_allow(function: Function) -> None:
    # e.g. chat, whose uploads moved to a function of their own, loads no S3 client.
    resources = {p.resource for p in function.permissions}
    # X-Ray: every role may write traces (infra.template.iam's XRayWriteTraces).
    permitted = {"xray"} | {_SERVICE_OF_RESOURCE[r] for r in resources if r in _SERVICE_OF_RESOURCE}
    module = function.handler.rsplit(".", 1)[0]
    created = set(run_fresh(_INIT_CLIENTS, module))
    assert created <= permitted, f"{module} builds {sorted(created - permitted)} without the permission to use it"
