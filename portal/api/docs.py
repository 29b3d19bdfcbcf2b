"""The human documentation, read from the generated OpenAPI document: each operation, its
parameters and an example response built from its schema (so the page cannot drift from the API).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

EXAMPLE_STRINGS = {"date": "2026-04-01", "date-time": "2026-04-01T09:30:00"}
MAX_DEPTH = 8


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    description: str
    accepts: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    example: str = ""
    slug: str = ""


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s within the document."""
    while "$ref" in node:
        found: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            found = found[part]
        node = found
    return node


def accepts(schema: dict[str, Any]) -> str:
    """A parameter's allowed values in words."""
    types = schema.get("type", "string")
    kind = " or ".join(t for t in ([types] if isinstance(types, str) else types) if t != "null")
    words = [kind]
    if "enum" in schema:
        words = ["one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)]
    if "minimum" in schema or "maximum" in schema:
        words.append(f"from {schema.get('minimum', '…')} to {schema.get('maximum', '…')}")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    if "default" in schema:
        words.append(f"default {schema['default']}")
    return ", ".join(words)


def example(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A made-up value that fits `schema`: one item for each list."""
    schema = resolve(spec, schema)
    if depth > MAX_DEPTH:
        return None
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    types = schema.get("type", "object")
    kind = next((t for t in ([types] if isinstance(types, str) else types) if t != "null"), "null")
    if kind == "object":
        return {
            name: example(spec, sub, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example(spec, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 12.5
    if kind == "boolean":
        return False
    if kind == "string":
        return EXAMPLE_STRINGS.get(schema.get("format", ""), "text")
    return None


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation in the document, in path order."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, operation in item.items():
            if method not in ("get", "head"):
                continue
            parameters = [
                Parameter(
                    name=p["name"],
                    where=p["in"],
                    required=bool(p.get("required")),
                    description=p.get("description", ""),
                    accepts=accepts(p.get("schema", {})),
                )
                for p in (resolve(spec, raw) for raw in operation.get("parameters", []))
            ]
            ok = resolve(spec, operation.get("responses", {}).get("200", {}))
            body = ok.get("content", {}).get("application/json", {}).get("schema")
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    example=json.dumps(example(spec, body), indent=2) if body else "",
                    slug=path.strip("/").replace("/", "-").replace("{", "").replace("}", ""),
                )
            )
    return found
