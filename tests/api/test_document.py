"""The OpenAPI 3.1 document is generated from the routes and schemas that serve the API."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.api.helpers import field_names, personal_fields

PATHS = {
    "/api/v1/organisations",
    "/api/v1/organisations/{organisation_id}",
    "/api/v1/pledges",
    "/api/v1/listings",
    "/api/v1/activities",
    "/api/v1/groups",
    "/api/v1/scorecard/indicators",
    "/api/v1/scorecard/indicators/{code}",
    "/api/v1/aggregates",
}


def test_the_document_is_valid_openapi_3_1(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert set(document["paths"]) == PATHS


def test_the_validator_would_catch_a_broken_document(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    document["paths"]["/api/v1/pledges"]["get"]["responses"]["200"] = {"content": 1}
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_every_route_under_api_is_in_the_document_or_serves_it(app) -> None:
    rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    as_in_document = {
        r.replace("<int:organisation_id>", "{organisation_id}").replace("<code>", "{code}")
        for r in rules
    }
    assert as_in_document - PATHS == {"/api/v1/openapi.json", "/api/v1/docs"}


def test_no_schema_has_a_personal_field(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    properties = set()
    for schema in document["components"]["schemas"].values():
        properties |= set(schema.get("properties", {}))
    assert {"name", "title", "description"} <= properties  # the walk reads the schemas
    assert personal_fields(properties) == set()
    assert personal_fields(field_names(document["paths"])) == set()


def test_every_operation_documents_304_and_its_errors(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "304", "429"} <= set(responses), path
        if "{" in path:
            assert "404" in responses, path
