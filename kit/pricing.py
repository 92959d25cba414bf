"""The pricing engine: one month of :class:`~kit.usage.Usage` priced with a sheet.

Rules that are not plain "quantity x price" (each one is in docs/cost.md):

- Tier bounds are cumulative over the month; free units are the first units of the scale.
- Lambda on-demand duration tiers are per architecture; the 400,000 free GB-seconds are one
  allowance for both (spent on x86_64 first, where a GB-second costs more).
- The Lambda free tier does not apply to functions with provisioned concurrency: neither
  their requests nor their duration use it.
- WebSocket messages are metered in 32 KB units: a 33 KB message counts as two.
- Each line's cost is rounded half-up to the cent, as AWS's worked examples round each
  charge; service costs and the total add the rounded lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

from kit.bill import SERVICES, Bill, Line, ServiceCost, to_cents
from kit.price_sheet import FreeTierMode, PriceSheet
from kit.tiered_price import tiered_cost
from kit.usage import LambdaFunction, Usage

ARCHITECTURES = ("x86_64", "arm64")
WEBSOCKET_UNIT_KB = Decimal(32)
FREE_EPHEMERAL_MB = Decimal(512)
MB_PER_GB = Decimal(1024)
MS_PER_S = Decimal(1000)
S_PER_HOUR = Decimal(3600)


def dec(value: float | int | Decimal) -> Decimal:
    """A usage quantity as a Decimal, exactly as written (0.12 stays 0.12)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


class _Ledger:
    """Prices meters one after another, spending shared free-tier pools as it goes."""

    def __init__(self, sheet: PriceSheet, mode: FreeTierMode) -> None:
        self.sheet = sheet
        self.mode = mode
        self.pools = {name: pool.amount(mode) for name, pool in sheet.pools.items()}

    def charge(self, meter_id: str, quantity: Decimal, free_eligible: Decimal | None = None) -> Line | None:
        """The line for ``quantity`` of ``meter_id``; None when there is nothing to bill.

        ``free_eligible`` limits how much of the quantity the free tier may cover (all of it
        when None).
        """
        if quantity <= 0:
            return None
        meter = self.sheet.meter(meter_id)
        eligible = quantity if free_eligible is None else max(Decimal(0), min(free_eligible, quantity))
        if meter.free.pool is not None:
            free = min(self.pools.get(meter.free.pool, Decimal(0)), eligible)
            self.pools[meter.free.pool] = self.pools.get(meter.free.pool, Decimal(0)) - free
        else:
            free = min(meter.free.amount(self.mode), eligible)
        cost = tiered_cost(free, quantity, meter.tiers)
        return Line(
            meter=meter_id,
            item=meter.item,
            quantity=quantity,
            unit=meter.unit,
            free_quantity=free,
            cost=to_cents(cost),
        )


def price_usage(usage: Usage, sheet: PriceSheet, free_tier: FreeTierMode = "always") -> Bill:
    """Price one month of ``usage`` with ``sheet`` in free-tier mode ``free_tier``.

    Parameters
    ----------
    usage
        The month's quantities (see :mod:`kit.usage`).
    sheet
        Prices, tiers and free allowances.
    free_tier
        ``none``, ``always`` (always-free offers) or ``legacy`` (plus the 12-month offers).

    Returns
    -------
    Bill
        Every service (in :data:`~kit.bill.SERVICES` order), with a line per priced meter.
    """
    ledger = _Ledger(sheet, free_tier)
    lines: dict[str, list[Line | None]] = {service: [] for service in SERVICES}
    lines["lambda"] = _lambda_lines(usage.lambda_, ledger)

    api = usage.apigateway
    units_per_message = max(
        Decimal(1), (dec(api.websocket_message_kb) / WEBSOCKET_UNIT_KB).to_integral_value(rounding=ROUND_CEILING)
    )
    lines["apigateway"] = [
        ledger.charge("apigateway.rest_requests", dec(api.rest_requests)),
        ledger.charge("apigateway.http_requests", dec(api.http_requests)),
        ledger.charge("apigateway.websocket_messages", dec(api.websocket_messages) * units_per_message),
        ledger.charge("apigateway.websocket_connection_minutes", dec(api.websocket_connection_minutes)),
    ]
    lines["dynamodb"] = _section(ledger, "dynamodb", usage.dynamodb.model_dump())
    lines["s3"] = _section(ledger, "s3", usage.s3.model_dump())
    lines["cognito"] = [ledger.charge(f"cognito.mau.{usage.cognito.plan}", dec(usage.cognito.monthly_active_users))]
    lines["cloudwatch"] = _section(ledger, "cloudwatch", usage.cloudwatch.model_dump())
    lines["xray"] = _section(ledger, "xray", usage.xray.model_dump())
    lines["scheduler"] = _section(ledger, "scheduler", usage.scheduler.model_dump())
    lines["sns"] = _section(ledger, "sns", usage.sns.model_dump())
    lines["waf"] = _section(ledger, "waf", usage.waf.model_dump())
    lines["kms"] = _section(ledger, "kms", usage.kms.model_dump())
    lines["data_transfer_out_gb"] = [ledger.charge("data_transfer.out_gb", dec(usage.data_transfer_out_gb))]
    services = {
        service: ServiceCost(service, tuple(line for line in lines[service] if line is not None))
        for service in SERVICES
    }
    return Bill(services=services, free_tier=free_tier, sheet=sheet)


def _section(ledger: _Ledger, service: str, quantities: dict[str, float]) -> list[Line | None]:
    return [ledger.charge(f"{service}.{key}", dec(value)) for key, value in quantities.items()]


def _lambda_lines(functions: Iterable[LambdaFunction], ledger: _Ledger) -> list[Line | None]:
    zero = Decimal(0)
    requests = zero
    free_eligible_requests = zero
    duration = dict.fromkeys(ARCHITECTURES, zero)
    free_eligible_duration = dict.fromkeys(ARCHITECTURES, zero)
    provisioned = dict.fromkeys(ARCHITECTURES, zero)
    provisioned_duration = dict.fromkeys(ARCHITECTURES, zero)
    ephemeral = dict.fromkeys(ARCHITECTURES, zero)
    # SnapStart: per GB of memory, the cached snapshot by the second and each restore.
    snapshot_cache = zero
    snapshot_restores = zero
    for function in functions:
        arch = function.architecture
        gb = dec(function.memory_mb) / MB_PER_GB
        pc = function.provisioned
        on_demand_s = dec(function.requests) * dec(function.duration_ms) / MS_PER_S
        provisioned_s = dec(pc.requests) * dec(pc.duration_ms) / MS_PER_S
        function_requests = dec(function.requests) + dec(pc.requests)
        requests += function_requests
        duration[arch] += on_demand_s * gb
        provisioned_duration[arch] += provisioned_s * gb
        provisioned[arch] += dec(pc.concurrency) * dec(pc.hours) * S_PER_HOUR * gb
        extra_storage_gb = max(zero, dec(function.ephemeral_storage_mb) - FREE_EPHEMERAL_MB) / MB_PER_GB
        ephemeral[arch] += extra_storage_gb * (on_demand_s + provisioned_s)
        snapshot_cache += dec(function.snapstart.cached_hours) * S_PER_HOUR * gb
        snapshot_restores += dec(function.snapstart.restores) * gb
        if not function.has_provisioned_concurrency:
            free_eligible_requests += function_requests
            free_eligible_duration[arch] += on_demand_s * gb
    lines = [ledger.charge("lambda.requests", requests, free_eligible_requests)]
    # x86_64 first: the shared free GB-seconds are worth more there.
    for name in ARCHITECTURES:
        lines.append(ledger.charge(f"lambda.duration.{name}", duration[name], free_eligible_duration[name]))
    for name in ARCHITECTURES:
        lines.append(ledger.charge(f"lambda.provisioned_concurrency.{name}", provisioned[name]))
        lines.append(ledger.charge(f"lambda.provisioned_duration.{name}", provisioned_duration[name]))
        lines.append(ledger.charge(f"lambda.ephemeral_storage.{name}", ephemeral[name]))
    lines.append(ledger.charge("lambda.snapstart_cache", snapshot_cache))
    lines.append(ledger.charge("lambda.snapstart_restore", snapshot_restores))
    return lines
