import asyncio
import time

import httpx
from fastapi import FastAPI

from .conftest import serve


def test_health_reports_version(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "pass"
    assert response.json()["version"]


def test_live_passes(client: httpx.Client) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "pass"


def test_ready_passes_when_checks_pass(client: httpx.Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "pass"
    assert response.headers["cache-control"] == "no-store"


async def failing_check() -> None:
    raise ConnectionError("postgresql://app:hunter2@db:5432/app is unreachable")


async def hanging_check() -> None:
    await asyncio.sleep(3600)


def test_ready_returns_503_when_check_fails(app: FastAPI) -> None:
    app.state.readiness.register("database", failing_check)
    with serve(app) as base_url:
        response = httpx.get(f"{base_url}/health/ready")
    assert response.status_code == 503
    check = next(c for c in response.json()["checks"] if c["name"] == "database")
    assert check == {
        "name": "database",
        "status": "fail",
        "reason": "failed with ConnectionError",
    }
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


def test_ready_returns_503_when_check_hangs(app: FastAPI) -> None:
    app.state.readiness.register("queue", hanging_check, timeout_seconds=0.2)
    with serve(app) as base_url:
        started = time.monotonic()
        response = httpx.get(f"{base_url}/health/ready", timeout=5)
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    check = next(c for c in response.json()["checks"] if c["name"] == "queue")
    assert check["reason"] == "timed out after 0.2 s"
    assert elapsed < 2


def test_ready_runs_checks_concurrently(app: FastAPI) -> None:
    # Each check waits for all three, so run one after another they would time out.
    barrier = asyncio.Barrier(3)

    async def meet_others() -> None:
        await barrier.wait()

    for name in ("first", "second", "third"):
        app.state.readiness.register(name, meet_others, timeout_seconds=5)
    with serve(app) as base_url:
        response = httpx.get(f"{base_url}/health/ready", timeout=10)
    assert response.status_code == 200


def test_live_passes_while_ready_fails(app: FastAPI) -> None:
    app.state.readiness.register("database", failing_check)
    with serve(app) as base_url:
        response = httpx.get(f"{base_url}/health/live")
    assert response.status_code == 200


def test_ready_fails_while_draining(app: FastAPI) -> None:
    app.state.readiness.start_draining()
    with serve(app) as base_url:
        response = httpx.get(f"{base_url}/health/ready")
    assert response.status_code == 503
    assert {
        "name": "shutdown",
        "status": "fail",
        "reason": "draining",
    } in response.json()["checks"]
