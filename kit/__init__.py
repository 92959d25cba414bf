"""What alarms, dashboards and cost share: the versioned price sheet (``kit/prices.yaml``,
:mod:`kit.price_sheet`) and the pure pricing engine (:mod:`kit.usage` one month of usage,
:mod:`kit.pricing` tiered prices and free tiers, :mod:`kit.bill` the priced month).

Imports only ``infra``, the standard library and third-party packages, so ``dashboards`` (its
projected-cost widget) and ``ops cost`` price with the same figures and the same rules.
"""
