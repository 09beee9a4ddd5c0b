"""Security headers on every response, and the CORS policy's fixed parts."""

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# API responses are JSON: they load nothing, run nothing and are never framed.
API_CSP = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# FastAPI's Swagger UI and ReDoc pages (fastapi.openapi.docs) load scripts and
# styles from jsDelivr, ReDoc's fonts from Google Fonts and the favicon from
# fastapi.tiangolo.com. ReDoc also styles itself inline and searches in a blob:
# worker. Inline scripts are allowed by the hashes of the page as served. Swagger
# UI's validator badge stays blocked, so the spec URL never goes to swagger.io.
# NOTE: the tests check this policy against the served HTML, not in a browser, so a
# request the pages make at run time from their scripts is not covered.
DOCS_CSP = (
    "default-src 'none'; "
    "script-src 'self' https://cdn.jsdelivr.net{script_hashes}; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net "
    "https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; "
    "worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL)

CSP_HEADER = b"content-security-policy"

# CORS: the methods the API serves and the request headers a browser may send.
CORS_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
CORS_HEADERS = ["Authorization", "Content-Type", "API-Version", "X-Request-ID"]
CORS_EXPOSED_HEADERS = ["Location", "X-Request-ID", "Deprecation", "Sunset", "Link"]


def docs_csp(html: bytes) -> bytes:
    """Return the docs CSP, allowing exactly the inline scripts of html."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(html)
    )
    return DOCS_CSP.format(script_hashes=hashes).encode()


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding HSTS, nosniff, referrer, framing and CSP headers.

    A header that the route already set is kept, so one route can relax a policy
    on purpose. The documentation pages get their own CSP: their HTML is held
    until complete to hash its inline scripts, which only those small pages pay.
    """

    def __init__(
        self,
        app: ASGIApp,
        hsts_max_age_seconds: int,
        docs_paths: Iterable[str | None] = (),
    ) -> None:
        self.app = app
        self.docs_paths = frozenset(path for path in docs_paths if path)
        # Sent on plain HTTP too: browsers ignore HSTS there, and behind a TLS
        # proxy the service cannot tell which scheme the client used.
        self.headers = [
            (
                b"strict-transport-security",
                f"max-age={hsts_max_age_seconds}; includeSubDomains".encode(),
            ),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        self.api_headers = [*self.headers, (CSP_HEADER, API_CSP.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self.app(scope, receive, self._docs_sender(send))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add_headers(message, self.api_headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _docs_sender(self, send: Send) -> Send:
        start: Message | None = None
        body = bytearray()

        async def send_docs(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return

            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = [*self.headers, (CSP_HEADER, docs_csp(bytes(body)))]
            self._add_headers(start, headers)
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        return send_docs

    @staticmethod
    def _add_headers(message: Message, extra: list[tuple[bytes, bytes]]) -> None:
        headers = list(message.get("headers", []))
        present = {name.lower() for name, _ in headers}
        headers.extend(header for header in extra if header[0] not in present)
        message["headers"] = headers
