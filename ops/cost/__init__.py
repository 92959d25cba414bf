"""`ops cost`: the monthly AWS bill, priced from explicit usage or projected per user tier from
usage metrics (see docs/cost.md).

From the data in to the report out:

- ``prices.yaml`` / :mod:`kit.price_sheet`: the versioned price sheet and its loader;
  :mod:`ops.cost.price_list` rebuilds it from the AWS Price List API.
- :mod:`kit.usage`: one month of usage (the ``--usage`` YAML file).
- :mod:`kit.pricing`, :mod:`kit.tiered_price`, :mod:`kit.bill`: the pricing
  engine (tiers, free tier, 32 KB metering) and the priced month.
- :mod:`ops.cost.metrics_export`, :mod:`ops.cost.cloudwatch`, :mod:`ops.cost.series`: usage
  metrics in, summarised per series.
- :mod:`ops.cost.catalogue`, :mod:`ops.cost.observed`, :mod:`ops.cost.rates`: the stack's
  usage over the window, then per active user per month.
- :mod:`ops.cost.projection`, :mod:`ops.cost.fixed_costs`, :mod:`ops.cost.warmup_usage`,
  :mod:`ops.cost.user_tiers`: a bill per user tier, with what does not grow with users.
- :mod:`ops.cost.reports`: table, JSON, CSV, Markdown and HTML; :mod:`ops.cost.cli`: the commands.
"""
