"""Where the server's own log lines go: `council serve` hands uvicorn this configuration, which adds the app's
loggers (`app.*`, `council.*`) at INFO to uvicorn's own stderr handler, and each worker's job process applies the
configuration its worker has (a spawned process inherits none of it). Without it a job's outcome, the warm-up's
"agendas ready" and every INFO line were lost, and warnings came out bare, without a level."""

from __future__ import annotations

import copy
import logging
import logging.config

APP_LOGGERS = ("app", "council")
_configured: dict | None = None


def serve_config() -> dict:
    """uvicorn's logging configuration with the app's loggers on its stderr handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for name in APP_LOGGERS:
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def apply(config: dict | None) -> None:
    """Configure this process's logging as `config` says (None: leave it as it is), and remember it for the
    processes this one starts."""
    global _configured  # noqa: PLW0603 — the one configuration of this process
    if config is not None:
        logging.config.dictConfig(config)
        _configured = config


def configured() -> dict | None:
    """The configuration this process was given (for a process it spawns), or the server's when uvicorn applied
    it here (a `council serve` worker: uvicorn configures its workers itself), or None."""
    if _configured is not None:
        return _configured
    if logging.getLogger(APP_LOGGERS[-1]).handlers:
        return serve_config()
    return None
