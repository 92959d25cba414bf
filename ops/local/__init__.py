"""The local twin: moto's server as the embedded AWS plus a local API Gateway."""
