"""The interface every secret backend implements, and the errors it raises."""

from typing import Protocol


class SecretNotFoundError(Exception):
    """A secret the service needs does not exist in the secret backend."""

    def __init__(self, name: str, backend: str, fix: str) -> None:
        self.name = name
        self.backend = backend
        self.fix = fix
        super().__init__(f"secret {name!r} not found in the {backend} backend: {fix}")


class SecretBackendError(Exception):
    """The secret backend could not be read. The message contains no secret value."""

    def __init__(self, name: str, backend: str, reason: str) -> None:
        self.name = name
        self.backend = backend
        super().__init__(f"reading secret {name!r} from {backend} failed: {reason}")


class SecretBackend(Protocol):
    """A source of secrets by name, such as a mounted directory or a secret manager."""

    # Short name of the backend used in log records and error messages.
    kind: str

    def get(self, name: str) -> str:
        """Return the current value of secret name, read from the backend (blocking).

        Raises SecretNotFoundError when the secret does not exist and
        SecretBackendError when the backend cannot be read.
        """
        ...
