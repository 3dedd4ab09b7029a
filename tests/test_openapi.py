"""The published OpenAPI document is what clients generate code from: every reference must resolve."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

API = "/api/v1"


def test_every_schema_reference_resolves(client: TestClient) -> None:
    doc = client.get(f"{API}/openapi.json").json()
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs and refs <= set(doc["components"]["schemas"]), refs - set(doc["components"]["schemas"])


def test_passenger_list_body_is_documented_for_json_and_csv(client: TestClient) -> None:
    body = client.get(f"{API}/openapi.json").json()["paths"][f"{API}/screen/batch"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["properties"]["travellers"]["maxItems"] == 10_000
    assert "TravellerQuery" in json.dumps(schema)
    assert "text/csv" in body["content"]
