"""The WebSocket API: frame models and the dispatcher behind `backend.handlers.websocket`."""
