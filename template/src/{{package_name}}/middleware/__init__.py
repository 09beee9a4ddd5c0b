"""Pure ASGI middleware of the service."""
