"""Request and response bodies, one module per function so each imports only its own."""
