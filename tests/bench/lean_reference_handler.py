"""The floor the cold-start bench compares our handlers with: the least a function can do
with the observability the issue requires and Powertools' REST resolver, and no application
code. Powertools Logger, Tracer (X-Ray, botocore patched) and Metrics; the resolver without
validation (so no pydantic); one DynamoDB client from botocore (no boto3); init without cyclic
collection, as ``backend.init_phase`` does. It serves ``GET /health`` only.

Not shipped: it exists so every bench run shows, side by side, how much of a handler's cold
start is this floor and how much is ours.
"""

import gc

gc.disable()

import botocore.session  # noqa: E402
from aws_lambda_powertools import Logger, Metrics, Tracer  # noqa: E402
from aws_lambda_powertools.event_handler import APIGatewayRestResolver  # noqa: E402

logger = Logger()
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
client = botocore.session.get_session().create_client("dynamodb", region_name="us-east-1")
app = APIGatewayRestResolver()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def _instrumented(event: dict, context: object) -> dict:
    return app.resolve(event, context)


def handler(event: dict, context: object) -> dict:
    if event.get("warmup") is True:
        return {"statusCode": 200, "body": '{"warmup":true}'}
    return _instrumented(event, context)


gc.freeze()
gc.enable()
