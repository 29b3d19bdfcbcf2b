"""Runs a job inside an application context, in a worker process or in-process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from flask import Flask, current_app, has_app_context

from ..extensions import db

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def resolve(path: str) -> Callable[..., Any]:
    module_name, _, attr = path.rpartition(".")
    return getattr(import_module(module_name), attr)


def _app() -> Flask:
    """The app for a worker process: the current one, or one built once from the environment."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from .. import create_app

        _worker_app = create_app()
    return _worker_app


def run_job(path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """RQ's entry point: resolve the job function and run it in a fresh app context."""
    func = resolve(path)
    with _app().app_context():
        try:
            result = func(*args, **kwargs)
            db.session.commit()  # the runner is the job's caller: a service function flushes only
            return result
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def run_in_process(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The embedded default: run now, retrying with a short back-off; log and give up after that."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    attempts = app.config.get("JOBS_IN_PROCESS_ATTEMPTS", 3)
    for attempt in range(1, attempts + 1):
        # A new app context gives the job its own session, apart from the request's.
        with app.app_context():
            try:
                func(*args, **kwargs)
                db.session.commit()
                return
            except Exception:
                db.session.rollback()
                log.exception(
                    "Job %s failed (attempt %d of %d)", func.__qualname__, attempt, attempts
                )
            finally:
                db.session.remove()
        if not app.testing:
            time.sleep(0.2 * attempt)
