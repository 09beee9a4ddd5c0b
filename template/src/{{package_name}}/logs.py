"""JSON logging through the standard logging module, one object per line on stdout."""

import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

HANDLER_NAME = "json-stdout"

# Id of the request the current task serves, set by RequestIdMiddleware.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestContextFilter(logging.Filter):
    """Adds the id of the current request to each record logged while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id is not None:
            record.request_id = request_id
        return True


def configure_logging(level: str, filters: tuple[logging.Filter, ...] = ()) -> None:
    """Send every record, uvicorn's included, through one JSON handler on stdout."""
    formatter = JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)
    for log_filter in (RequestContextFilter(), *filters):
        handler.addFilter(log_filter)

    # Replace the handler of an earlier call, but keep handlers others installed.
    root = logging.getLogger()
    for old_handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old_handler)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
