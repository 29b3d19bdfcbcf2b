"""flask-smorest, set up for an API inside an HTML site.

`OpenDataApi` generates the OpenAPI 3.1 document from the blueprint's routes and schemas but
registers no app-wide error handler (the site's HTML pages keep their own), serves no document
itself (the blueprint does, with its caching headers) and loads no docs page from a CDN.
`ApiBlueprint` answers bad query parameters with 400, not webargs' 422.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser

from .schemas import DecimalString, Errors

API_TITLE = "Anchor Portal open data"
API_VERSION = "1.0.0"
OPENAPI_VERSION = "3.1.0"
DESCRIPTION = (
    "Read-only open data from the anchor partnership: the network directory, public pledges "
    "with progress, open exchange listings, public activities, open working groups, the "
    "Ambitions scorecard and the public headline figures. No personal data. Figures from fewer "
    "than 5 organisations are suppressed exactly as on the site's pages."
)


class QueryParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = QueryParser()


class OpenDataApi(Api):
    ERROR_SCHEMA = Errors

    def _register_error_handlers(self) -> None:
        """None app-wide: the API blueprint answers its own errors in JSON."""

    def _register_doc_blueprint(self) -> None:
        """None: `/api/v1/openapi.json` and `/api/v1/docs` are the blueprint's own routes."""


def document(app: Flask, blueprint: ApiBlueprint) -> OpenDataApi:
    """Build the OpenAPI document for `blueprint`, registered on `app` already."""
    api = OpenDataApi(
        spec_kwargs={
            "title": API_TITLE,
            "version": API_VERSION,
            "openapi_version": OPENAPI_VERSION,
            "info": {
                "description": DESCRIPTION,
                "license": {
                    "name": "Open Government Licence v3.0",
                    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                },
            },
        }
    )
    api.init_app(app)
    api.register_field(DecimalString, "string", "decimal")
    app.extensions["flask-smorest"]["blp_name_to_api"][blueprint.name] = api
    blueprint.register_views_in_doc(api, app, api.spec, name=blueprint.name, parameters=None)
    api.spec.tag({"name": blueprint.name, "description": "Open data"})
    return api


def openapi_document() -> dict[str, Any]:
    api: OpenDataApi = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return api.spec.to_dict()
