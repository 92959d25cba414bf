"""One module per `ops` command group."""
