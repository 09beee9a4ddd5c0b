"""Request ids: kept from a valid X-Request-ID header or generated, and echoed back."""

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..logs import request_id_var

HEADER = b"x-request-id"
# Ids from callers are kept only when short and plain, so they are safe to log.
VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")


class RequestIdMiddleware:
    """Pure ASGI middleware giving each HTTP request an id for logs and responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = next(
            (value for name, value in scope["headers"] if name == HEADER), b""
        )
        if not VALID_REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex.encode()
        scope.setdefault("state", {})["request_id"] = request_id.decode()
        token = request_id_var.set(request_id.decode())

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((HEADER, request_id))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            request_id_var.reset(token)
