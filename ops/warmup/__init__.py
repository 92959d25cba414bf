"""`ops warmup`: keep functions warm by policy (scheduled pings or scheduled provisioned
concurrency), show what it costs, make AWS match it and report drift."""
