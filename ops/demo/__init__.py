"""`ops demo`: a scripted day of traffic over real HTTP and WebSocket connections to the
local twin, then a summary of what happened and whether every message arrived."""
