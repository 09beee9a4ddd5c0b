"""Secret values cached in memory, loaded at start-up and reloaded periodically."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

from .base import SecretBackend, SecretBackendError, SecretNotFoundError

logger = logging.getLogger(__name__)


class SecretRefreshError(Exception):
    """The secrets are not loaded, or have not been refreshed for too long."""


class SecretStore:
    """Secrets read through a backend at start-up, then reloaded every interval.

    get() reads only the in-memory cache, so request handlers never wait on the
    backend, and a rotated secret is served within one refresh interval. A reload
    that fails keeps the last good value. Values appear in no log record, error
    message or repr.
    """

    def __init__(self, backend: SecretBackend, refresh_seconds: float) -> None:
        if refresh_seconds <= 0:
            raise ValueError(
                f"refresh_seconds is {refresh_seconds}: use a number of seconds above 0"
            )
        self.backend = backend
        self.refresh_seconds = refresh_seconds
        self._required: set[str] = set()
        self._optional: set[str] = set()
        self._values: dict[str, str] = {}
        # The error the backend raised for each optional secret that is still missing.
        self._missing: dict[str, SecretNotFoundError] = {}
        # time.monotonic() when every secret last loaded, or None before start().
        self._last_success: float | None = None
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        names = sorted(self._required | self._optional)
        return f"SecretStore(backend={self.backend.kind!r}, names={names!r})"

    def require(self, name: str, *, optional: bool = False) -> None:
        """Declare a secret for start() to load.

        A missing required secret stops start-up. A missing optional one is logged
        and retried at every refresh, and get() raises SecretNotFoundError for it
        until it appears.
        """
        if self._task is not None:
            raise RuntimeError(f"secret {name!r} declared after the store started")
        if optional:
            if name not in self._required:
                self._optional.add(name)
        else:
            self._optional.discard(name)
            self._required.add(name)

    async def start(self, names: Iterable[str] = ()) -> None:
        """Load the declared secrets and names, then start the background refresh.

        Raises SecretNotFoundError for the first required secret that is missing and
        SecretBackendError when the backend cannot be read.
        """
        if self._task is not None:
            raise RuntimeError("the secret store is already started")
        for name in names:
            self.require(name)

        for name in sorted(self._required):
            self._values[name] = await self._read(name)
        for name in sorted(self._optional):
            await self._load_optional(name)

        self._last_success = time.monotonic()
        self._task = asyncio.create_task(self._refresh_forever(), name="secret-refresh")
        logger.info(
            "secrets loaded",
            extra={
                "backend": self.backend.kind,
                "secret_names": sorted(self._values),
                "refresh_seconds": self.refresh_seconds,
            },
        )

    def get(self, name: str) -> str:
        """Return the cached value of secret name, without I/O."""
        try:
            return self._values[name]
        except KeyError:
            pass
        missing = self._missing.get(name)
        if missing is not None:
            raise SecretNotFoundError(name, self.backend.kind, missing.fix)
        raise SecretNotFoundError(
            name,
            self.backend.kind,
            "the store did not load it: declare it with SecretStore.require() "
            "before the service starts",
        )

    async def refresh(self) -> None:
        """Reload every declared secret once, keeping the last good value on failure."""
        failed = False
        for name in sorted(self._required):
            failed |= not await self._reload(name)
        for name in sorted(self._optional):
            if name in self._values:
                failed |= not await self._reload(name)
            else:
                await self._load_optional(name)
        if not failed:
            self._last_success = time.monotonic()

    async def check(self) -> None:
        """Pass unless the last successful load is more than two intervals old.

        Registered as the readiness check "secrets". One failed refresh is
        tolerated because the cache still serves the last good values.
        """
        if self._last_success is None:
            raise SecretRefreshError("secrets are not loaded: the service is starting")
        age = time.monotonic() - self._last_success
        if age > 2 * self.refresh_seconds:
            raise SecretRefreshError(
                f"secrets last loaded {age:.0f} s ago, more than two refresh "
                f"intervals of {self.refresh_seconds:g} s: see the log for the failure"
            )

    async def stop(self) -> None:
        """Cancel the background refresh. The cached values stay readable."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _read(self, name: str) -> str:
        # Backends use blocking clients, so each read runs in a worker thread.
        return await asyncio.to_thread(self.backend.get, name)

    async def _load_optional(self, name: str) -> None:
        try:
            self._values[name] = await self._read(name)
        except (SecretNotFoundError, SecretBackendError) as error:
            first_miss = name not in self._missing
            if isinstance(error, SecretNotFoundError):
                self._missing[name] = error
            else:
                self._missing[name] = SecretNotFoundError(
                    name, error.backend, str(error)
                )
            if first_miss:
                logger.warning(
                    "optional secret not loaded",
                    extra={"secret_name": name, "error": str(error)},
                )
            return
        if self._missing.pop(name, None) is not None:
            logger.info("optional secret loaded", extra={"secret_name": name})

    async def _reload(self, name: str) -> bool:
        try:
            value = await self._read(name)
        except (SecretNotFoundError, SecretBackendError) as error:
            logger.warning(
                "secret refresh failed, keeping the last good value",
                extra={"secret_name": name, "error": str(error)},
            )
            return False
        if value != self._values.get(name):
            logger.info("secret rotated", extra={"secret_name": name})
        self._values[name] = value
        return True

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                await self.refresh()
            except Exception:
                # A bug in a backend must not end the refresh for good. The
                # readiness check fails once the values are stale.
                logger.exception(
                    "secret refresh crashed", extra={"backend": self.backend.kind}
                )
