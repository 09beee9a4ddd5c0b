"""Request body size limit as pure ASGI middleware.

Rendered in every service, not only API-first ones: uvicorn accepts request bodies of
any size, so without a limit one client can make a route buffer gigabytes in memory.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import problem_response


class BodySizeLimitMiddleware:
    """Reject a request whose body exceeds max_body_bytes with a 413 problem.

    A declared Content-Length is checked before the route runs. Bodies without one
    (chunked transfer encoding) are counted as they stream in: once the count passes
    the limit, the client gets the 413 and the route sees a disconnected client.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        content_length = _content_length(scope)
        if content_length is not None and content_length > self.max_body_bytes:
            await self._reject(scope, receive, send)
            return

        received = 0
        response_started = False
        rejected = False

        async def receive_within_limit() -> Message:
            nonlocal received, rejected
            message = await receive()
            if message["type"] != "http.request" or rejected:
                return message

            received += len(message.get("body", b""))
            if received <= self.max_body_bytes:
                return message
            # A route that responded before reading the whole body keeps its response.
            if not response_started:
                await self._reject(scope, receive, send)
                rejected = True
            return {"type": "http.disconnect"}

        async def send_unless_rejected(message: Message) -> None:
            nonlocal response_started
            # After the 413, whatever the route sends for the disconnect is dropped.
            if rejected:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, receive_within_limit, send_unless_rejected)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = (
            f"The request body exceeds the limit of {self.max_body_bytes} bytes; "
            "send a smaller body."
        )
        response = problem_response(413, detail, headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
