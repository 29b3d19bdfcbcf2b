"""Anchor Portal application factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter, Map

from config import CONFIGS, INSTANCE_DIR

from .extensions import csrf, db, limiter, login_manager, migrate

# Feature blueprints, in navigation order. Each module exposes `bp`.
BLUEPRINT_MODULES = [
    "portal.core.views",
    "portal.accounts.views",
    "portal.orgs.views",
    "portal.admin.views",
    "portal.assessment.views",
    "portal.pledges.views",
    "portal.exchange.views",
    "portal.activities.views",
    "portal.scorecard.views",
]


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app for `config_name` (development, testing, production).

    `overrides` replace config values before extensions read them (tests use this to point the
    app at PostgreSQL, Redis or a local SMTP server).
    """
    config_name = (
        config_name
        or os.environ.get("PORTAL_CONFIG")
        or os.environ.get("FLASK_CONFIG", "development")
    )
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.init_app(app)
    app.config["CONFIG_NAME"] = config_name

    configure_logging(app)
    configure_url_converters(app)
    configure_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_error_handlers(app)
    register_request_hooks(app)
    return app


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to the database's integer range, so a huge id is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def configure_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter


def configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(Path(app.root_path).parent / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from .core import templating

    templating.register(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    # Import every model module so metadata is complete for Alembic and create_all.
    from . import models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module_name).bp)


def register_cli(app: Flask) -> None:
    from .core.cli import register as register_core_cli
    from .demo.cli import register as register_demo_cli
    from .jobs.cli import register as register_jobs_cli

    register_core_cli(app)
    register_demo_cli(app)
    register_jobs_cli(app)


def register_error_handlers(app: Flask) -> None:
    from .core.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from .core.security import register

    register(app)
