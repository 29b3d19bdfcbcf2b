"""The documentation page is drawn from the generated document and works under the site's CSP."""

from __future__ import annotations

import json

from portal.api import docs
from portal.api.spec import openapi_document
from portal.core.security import CONTENT_SECURITY_POLICY


def test_the_docs_page_lists_every_operation_and_its_parameters(client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = response.get_data(as_text=True)
    for path in openapi_document()["paths"]:
        assert f"<code>{path}</code>" in html
    assert "<code>per_page</code>" in html and "from 1 to 100" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    assert 'href="/api/v1/openapi.json"' in html


def test_the_footer_links_to_the_docs(client) -> None:
    assert 'href="/api/v1/docs"' in client.get("/").get_data(as_text=True)


def test_examples_follow_the_schema(client) -> None:
    spec = openapi_document()
    [pledges] = [op for op in docs.operations(spec) if op.path == "/api/v1/pledges"]
    example = json.loads(pledges.example)
    assert set(example) == {
        "page",
        "per_page",
        "pages",
        "total",
        "total_is_capped",
        "links",
        "items",
    }
    [item] = example["items"]
    assert item["start_date"] == "2026-04-01"
    assert item["organisation"] == {"id": 1, "name": "text", "kind": "text"}


def test_example_and_accepts_read_plain_json_schema() -> None:
    spec = {
        "components": {
            "schemas": {"A": {"type": "object", "properties": {"n": {"type": ["integer", "null"]}}}}
        }
    }
    assert docs.example(spec, {"$ref": "#/components/schemas/A"}) == {"n": 1}
    assert docs.example(spec, {"type": "array", "items": {"enum": [None, "x"]}}) == ["x"]
    assert docs.accepts({"type": "integer", "minimum": 1, "maximum": 5, "default": 2}) == (
        "integer, from 1 to 5, default 2"
    )
    assert docs.accepts({"type": "string", "enum": ["a", "b"]}) == "one of a, b"
