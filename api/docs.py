"""The API's documentation page, rendered on the server from its OpenAPI schema: it needs no
script or style from anywhere but our own static files, so it keeps the site's strict
Content-Security-Policy, and it works without JavaScript."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.views import api
from governance.public_cache import cached_public_page

REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str
    # The schema this field's type names, linked on the page.
    schema: str = ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    parameters: list[Field]
    responses: list[tuple[str, str, str]]  # status, its description, its schema's name


def _type(schema: dict) -> tuple[str, str]:
    """A field's type in words, and the name of the schema it refers to, if any."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return name, name
    if "anyOf" in schema:
        kinds = [_type(option) for option in schema["anyOf"]]
        return " or ".join(kind for kind, _ in kinds), next((ref for _, ref in kinds if ref), "")
    if schema.get("type") == "array":
        kind, ref = _type(schema.get("items", {}))
        return f"array of {kind}", ref
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        kind, ref = _type(schema["additionalProperties"])
        return f"object of string to {kind}", ref
    kind = schema.get("type", "any")
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    return kind, ""


def _bounds(schema: dict) -> str:
    parts = []
    if "minimum" in schema:
        parts.append(f"at least {schema['minimum']}")
    if "maximum" in schema:
        parts.append(f"at most {schema['maximum']}")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    return ", ".join(parts)


def _parameter(parameter: dict) -> Field:
    schema = parameter.get("schema", {})
    kind, ref = _type(schema)
    description = " ".join(
        part for part in (parameter.get("description", ""), _bounds(schema)) if part
    )
    return Field(
        name=f"{parameter['name']} ({parameter['in']})",
        type=kind,
        required=parameter.get("required", False),
        description=description,
        schema=ref,
    )


def _operations(schema: dict) -> list[Operation]:
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = []
            for status, answer in operation.get("responses", {}).items():
                body = answer.get("content", {}).get("application/json", {}).get("schema", {})
                responses.append((status, answer.get("description", ""), _type(body)[1]))
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    parameters=[_parameter(p) for p in operation.get("parameters", [])],
                    responses=responses,
                )
            )
    return operations


def _schemas(schema: dict) -> list[tuple[str, list[Field]]]:
    described = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        fields = []
        for field_name, field_schema in component.get("properties", {}).items():
            kind, ref = _type(field_schema)
            fields.append(
                Field(
                    name=field_name,
                    type=kind,
                    required=field_name in required,
                    description=field_schema.get("description", ""),
                    schema=ref,
                )
            )
        described.append((name, fields))
    return described


@cached_public_page
@require_GET
def documentation(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    return render(
        request,
        "api/docs.html",
        {
            "title": schema["info"]["title"],
            "description": schema["info"].get("description", ""),
            "openapi_url": reverse("api-v1:openapi-json"),
            "operations": _operations(schema),
            "schemas": _schemas(schema),
            "default_page_size": DEFAULT_PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
        },
    )
