"""The REST surface: pydantic models, routers, and the one place errors become answers."""
