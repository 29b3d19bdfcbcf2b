"""Anchor Portal application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from config import CONFIGS

from .core.features import FEATURES_KEY, PANEL_PAGES, Feature, app_features
from .extensions import csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """templates/, static/ or migrations/: inside the installed package, else in the checkout."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def instance_dir() -> str | None:
    """PORTAL_INSTANCE_DIR, else instance/ in a checkout, else Flask's default for an install."""
    if os.environ.get("PORTAL_INSTANCE_DIR"):
        return str(Path(os.environ["PORTAL_INSTANCE_DIR"]).resolve())
    if (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return str(PACKAGE_DIR.parent / "instance")
    return None  # <prefix>/var/portal-instance


def create_app(
    config_name: str | None = None,
    *,
    features: Sequence[Feature] | None = None,
    **overrides: object,
) -> Flask:
    """Build the app for `config_name` (development, testing, production).

    `features` defaults to every feature in `portal.features`. `overrides` replace config values
    before extensions read them (tests use this to point the app at PostgreSQL, Redis or a local
    SMTP server).
    """
    config_name = (
        config_name
        or os.environ.get("PORTAL_CONFIG")
        or os.environ.get("FLASK_CONFIG", "development")
    )
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=instance_dir(),
    )
    if features is None:
        from .features import installed_features

        features = installed_features()
    app.extensions[FEATURES_KEY] = tuple(features)

    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(config_class.from_environment(os.environ, Path(app.instance_path)))
    app.config.update(overrides)
    app.config["CONFIG_NAME"] = config_name
    config_class.init_app(app)

    configure_logging(app)
    configure_proxies(app)
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


def configure_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client address and scheme from their headers.

    Only as many X-Forwarded-For entries as there are proxies are believed, so a client cannot
    choose its own address (and with it a fresh rate limit) by sending the header itself.
    """
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to the database's integer range, so a huge id is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def configure_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter


def configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(resource_dir("templates"))),
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
    panels = {
        page: tuple(name for f in app_features(app) for name in getattr(f.panels, page))
        for page in PANEL_PAGES
    }

    def feature_panels(page: str) -> tuple[str, ...]:
        """The panel templates every feature adds to `page` (one of core.features.PANEL_PAGES)."""
        return panels[page]

    app.jinja_env.globals["feature_panels"] = feature_panels
    from .core import templating

    templating.register(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    # Each feature's models were imported when it declared itself, so the metadata is complete.


def register_blueprints(app: Flask) -> None:
    for feature in app_features(app):
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    for feature in app_features(app):
        for command in feature.cli:
            app.cli.add_command(command)


def register_error_handlers(app: Flask) -> None:
    from .core import errors, locking

    errors.register(app)
    locking.register(app)


def register_request_hooks(app: Flask) -> None:
    from .core.security import register

    register(app)
