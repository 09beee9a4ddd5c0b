"""One error body for the whole service: RFC 9457 problem details."""

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    location: str
    message: str


class Problem(BaseModel):
    """Error body of every 4xx and 5xx response (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    problem = Problem(
        title=HTTPStatus(status).phrase, status=status, detail=detail, errors=errors
    )
    return ProblemResponse(
        problem.model_dump(exclude_none=True), status, headers=headers
    )


def _location(parts: tuple[int | str, ...]) -> str:
    """Render a pydantic location like ('body', 'items', 0) as body.items[0]."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def _allowed_methods(request: Request) -> str:
    """List every method some route serves at the request's path.

    Starlette's 405 names only the methods of the first route whose path matched,
    while the GET and the POST of one path are often separate routes.
    """
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    detail: str | None = exc.detail
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = None
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(exc.status_code, detail, headers=headers)


async def handle_validation_error(
    request: Request, exc: RequestValidationError
) -> Response:
    details: list[dict[str, Any]] = list(exc.errors())
    if any(error["type"] == "json_invalid" for error in details):
        return problem_response(400, "The request body is not valid JSON.")

    # The offending input is left out: it can be large or carry a credential.
    errors = [
        FieldError(location=_location(tuple(error["loc"])), message=error["msg"])
        for error in details
    ]
    return problem_response(422, "The request is invalid; see errors.", errors=errors)


async def handle_unexpected_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", None)
    logger.error(
        "unhandled error in %s %s",
        request.method,
        request.url.path,
        exc_info=exc,
        extra={"request_id": request_id},
    )
    detail = f"An unexpected error occurred. Request id: {request_id}."
    return problem_response(500, detail)


EXCEPTION_HANDLERS: dict[
    int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]
] = {
    HTTPException: handle_http_exception,
    RequestValidationError: handle_validation_error,
    Exception: handle_unexpected_error,
}
