import logging

import httpx
import pytest
from fastapi import FastAPI

from .conftest import serve


def test_unknown_path_returns_problem(client: httpx.Client) -> None:
    response = client.get("/nope/42")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
    }


def test_wrong_method_returns_problem(client: httpx.Client) -> None:
    response = client.put("/health")
    assert response.status_code == 405
    assert response.json()["title"] == "Method Not Allowed"


def test_request_id_is_echoed(client: httpx.Client) -> None:
    response = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize(
    "sent", ["", "x" * 129, "a b", "<script>"], ids=["empty", "long", "space", "markup"]
)
def test_invalid_request_id_is_replaced(client: httpx.Client, sent: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": sent})
    assert response.headers["x-request-id"] != sent
    assert len(response.headers["x-request-id"]) == 32


def test_unhandled_error_returns_generic_500(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode() -> None:
        raise RuntimeError("connection string with password s3cr3t")

    app.add_api_route("/explode", explode)
    with serve(app) as base_url, caplog.at_level(logging.ERROR):
        response = httpx.get(f"{base_url}/explode", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "s3cr3t" not in response.text
    assert "req-500" in response.json()["detail"]
    record = next(
        r for r in caplog.records if r.getMessage().startswith("unhandled error")
    )
    assert record.__dict__["request_id"] == "req-500"
    assert record.exc_info is not None


def test_wrong_method_lists_methods_of_every_route(app: FastAPI) -> None:
    async def read() -> None:
        return None

    app.add_api_route("/things", read, methods=["GET"])
    app.add_api_route("/things", read, methods=["POST"])
    with serve(app) as base_url:
        response = httpx.put(f"{base_url}/things")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
