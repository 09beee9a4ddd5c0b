"""Probes: /health, /health/live and /health/ready with its readiness-check registry."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from . import __version__

logger = logging.getLogger(__name__)

CheckFunction = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class ReadinessCheck:
    """A dependency the service needs before it can serve: passes unless it raises."""

    name: str
    check: CheckFunction
    timeout_seconds: float


class CheckResult(BaseModel):
    name: str
    status: Literal["pass", "fail"]
    reason: str | None = None


class Readiness(BaseModel):
    status: Literal["pass", "fail"]
    checks: list[CheckResult]


class ReadinessRegistry:
    """Readiness checks run together, each under its own timeout."""

    def __init__(self, default_timeout_seconds: float) -> None:
        self.default_timeout_seconds = default_timeout_seconds
        self.draining = False
        self._checks: dict[str, ReadinessCheck] = {}

    def register(
        self, name: str, check: CheckFunction, timeout_seconds: float | None = None
    ) -> None:
        if name in self._checks:
            raise ValueError(f"readiness check {name!r} is already registered")
        if timeout_seconds is None:
            timeout_seconds = self.default_timeout_seconds
        self._checks[name] = ReadinessCheck(name, check, timeout_seconds)

    def start_draining(self) -> None:
        """Report not ready from now on, so traffic moves away before shutdown."""
        self.draining = True
        logger.info("draining: readiness now fails until the process stops")

    async def run(self) -> Readiness:
        results = list(await asyncio.gather(*map(self._run_one, self._checks.values())))
        if self.draining:
            results.append(
                CheckResult(name="shutdown", status="fail", reason="draining")
            )
        failed = any(result.status == "fail" for result in results)
        return Readiness(status="fail" if failed else "pass", checks=results)

    async def _run_one(self, check: ReadinessCheck) -> CheckResult:
        # The reason names the failure class only: exception texts can carry
        # connection strings or secret values, and they stay in the log.
        try:
            await asyncio.wait_for(check.check(), check.timeout_seconds)
        except TimeoutError:
            reason = f"timed out after {check.timeout_seconds:g} s"
            logger.warning("readiness check %s %s", check.name, reason)
            return CheckResult(name=check.name, status="fail", reason=reason)
        except Exception as error:
            reason = f"failed with {type(error).__name__}"
            logger.warning("readiness check %s %s", check.name, reason, exc_info=True)
            return CheckResult(name=check.name, status="fail", reason=reason)
        return CheckResult(name=check.name, status="pass")


class Health(BaseModel):
    status: Literal["pass"]
    version: str


def get_readiness_registry(request: Request) -> ReadinessRegistry:
    registry: ReadinessRegistry = request.app.state.readiness
    return registry


router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def health() -> Health:
    """Report that the service runs, and its version."""
    return Health(status="pass", version=__version__)


@router.get("/live")
async def live() -> Health:
    """Report that the process serves, without checking dependencies."""
    return Health(status="pass", version=__version__)


@router.get("/ready", responses={503: {"model": Readiness}})
async def ready(
    response: Response,
    registry: Annotated[ReadinessRegistry, Depends(get_readiness_registry)],
) -> Readiness:
    """Run every readiness check; 503 unless all pass."""
    readiness = await registry.run()
    if readiness.status == "fail":
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return readiness
