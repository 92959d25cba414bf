"""The `ops` CLI: local twin, demo, deploy, dashboards, alarms, cost, warm-up."""
