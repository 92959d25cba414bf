"""What alarms, dashboards and cost share: the CloudWatch vocabulary (:mod:`kit.metrics` the
metric catalogue, :mod:`kit.expressions` metric math and its evaluator, :mod:`kit.source` where
data points come from, :mod:`kit.target` the physical names one deployment's metrics carry),
the versioned price sheet (``kit/prices.yaml``,
:mod:`kit.price_sheet`) and the pure pricing engine (:mod:`kit.usage` one month of usage,
:mod:`kit.pricing` tiered prices and free tiers, :mod:`kit.bill` the priced month).

Imports only ``infra``, the standard library and third-party packages, so ``dashboards`` (its
projected-cost widget) and ``ops cost`` price with the same figures and the same rules, and
dashboards and alarms name the same metrics the same way.
"""
