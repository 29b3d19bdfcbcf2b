"""Requests to the open data API, each response checked against the served OpenAPI document."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from portal.api.spec import openapi_document

PERSONAL = ("email", "phone", "contact", "person", "user", "created_by", "recorded_by", "password")


@cache
def _openapi() -> OpenAPI:
    return OpenAPI.from_dict(openapi_document())


def openapi(client: FlaskClient) -> OpenAPI:
    """The document the app serves at /api/v1/openapi.json (read once; it is the same for every
    app built from this code, and reading it over HTTP would spend the rate limit)."""
    return _openapi()


def get(client: FlaskClient, path: str, status: int = 200, **kwargs: Any) -> Any:
    """GET `path`, assert the status, and validate the response against the document."""
    response = client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json" or status == 304
    openapi(client).validate_response(
        WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
    )
    return response


def field_names(value: Any) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {name for item in value.values() for name in field_names(item)}
    if isinstance(value, list):
        return {name for item in value for name in field_names(item)}
    return set()


def personal_fields(names: set[str]) -> set[str]:
    return {name for name in names if any(word in name.lower() for word in PERSONAL)}
