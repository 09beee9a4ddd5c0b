import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from .conftest import serve


@pytest.fixture
def log_output(app: FastAPI) -> Iterator[io.StringIO]:
    """Redirect the service's JSON log handler, created by create_app, into a buffer."""
    handler = next(
        h for h in logging.getLogger().handlers if h.get_name() == "json-stdout"
    )
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_log_lines_are_json_with_request_id(
    app: FastAPI, log_output: io.StringIO
) -> None:
    async def say_hello() -> dict[str, str]:
        logging.getLogger("test").info("hello from a handler")
        return {}

    app.add_api_route("/hello", say_hello)
    with serve(app) as base_url:
        httpx.get(f"{base_url}/hello", headers={"X-Request-ID": "req-log"})

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    record = next(line for line in lines if line["message"] == "hello from a handler")
    assert record["request_id"] == "req-log"
    assert record["level"] == "INFO"
    assert record["logger"] == "test"
    assert "time" in record


def test_uvicorn_logs_are_json(app: FastAPI, log_output: io.StringIO) -> None:
    with serve(app):
        pass

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    assert "uvicorn.error" in {line["logger"] for line in lines}
