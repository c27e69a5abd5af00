"""The OpenAPI document: valid, served at /api/schema/, every field named in Chinese, and the committed file
api/schema.yaml equal to the generated one (regenerate: see the README's API section)."""

import re
from pathlib import Path

import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "api" / "schema.yaml"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
REGENERATE = "python manage.py spectacular --file api/schema.yaml --validate"


def generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_committed_schema_is_the_generated_one(db):
    schema = generated()
    validate_schema(schema)
    committed = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == yaml.safe_load(yaml.safe_dump(schema, allow_unicode=True)), (
        f"api/schema.yaml is stale: run `{REGENERATE}` and commit it"
    )


def _properties(node, where=""):
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}.{name}", prop
        for key, value in node.items():
            yield from _properties(value, f"{where}.{key}" if key != "properties" else where)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _properties(value, f"{where}[{n}]")


def test_every_field_and_parameter_is_named_in_chinese(db):
    schema = generated()
    unnamed = [
        where
        for where, prop in _properties(schema["components"]["schemas"])
        if not CHINESE.search(prop.get("description", "")) and "$ref" not in prop and "allOf" not in prop
    ]
    assert unnamed == []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert CHINESE.search(operation.get("summary", "")), (path, method)
            for parameter in operation.get("parameters", []):
                assert CHINESE.search(parameter.get("description", "")), (path, method, parameter["name"])


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"openapi: 3.0" in response.content
    for url, bundle in (("/api/docs/", "/static/drf_spectacular_sidecar/"), ("/api/redoc/", "/api/redoc/redoc.")):
        html = client.get(url).content.decode()
        assert bundle in html
        assert "http://" not in html and "https://" not in html  # nothing from another host
        assert "<style" not in html and "<script>" not in html  # no inline code (CSP)
    # Redoc's bundle is the vendored file with its one CDN address (the attribution's logo) made the portal's icon
    script = client.get("/api/redoc/redoc.standalone.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in script.content and b"/static/favicon.svg" in script.content
