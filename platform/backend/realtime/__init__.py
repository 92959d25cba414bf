"""Pushing events to WebSocket connections: the management API adapter and the fan-out."""
