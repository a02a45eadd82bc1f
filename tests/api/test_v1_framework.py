"""API v1 framework: the OpenAPI document, the one error shape, cursor pagination."""

from __future__ import annotations


def test_openapi_document_lists_the_operations(client, demo):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    document = spec.get_json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/procedures/" in document["paths"]
    assert "/api/v1/lookup/{code}" in document["paths"]


def test_catalogue_pages_with_an_opaque_cursor(client, demo):
    seen, cursor = [], None
    for _ in range(50):
        query = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        answer = client.get("/api/v1/procedures/", query_string=query).get_json()
        assert len(answer["items"]) <= 1
        seen += [item["code"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    everything = client.get("/api/v1/procedures/", query_string={"limit": 100}).get_json()
    assert seen == [item["code"] for item in everything["items"]]
    assert len(seen) >= 2
    assert everything["next_cursor"] is None


def test_procedure_detail_and_unknown_code(client, demo):
    code = client.get("/api/v1/procedures/").get_json()["items"][0]["code"]
    assert client.get(f"/api/v1/procedures/{code}").get_json()["code"] == code
    missing = client.get("/api/v1/procedures/khong-co")
    assert missing.status_code == 404
    error = missing.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]["vi"] and error["message"]["en"]


def test_validation_errors_name_the_fields(client, demo):
    answer = client.get("/api/v1/procedures/", query_string={"limit": 0})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert "limit" in error["fields"]

    bad_cursor = client.get("/api/v1/procedures/", query_string={"cursor": "!!!"})
    assert bad_cursor.status_code == 422
    assert "cursor" in bad_cursor.get_json()["error"]["fields"]


def test_unknown_api_path_and_method_use_the_error_shape(client, demo):
    assert client.get("/api/v1/khong-co").get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/procedures/")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["message"]["vi"]


def test_html_pages_keep_their_own_errors(client, demo):
    page = client.get("/khong-co-trang-nay")
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_lookup_shows_no_personal_data(client, demo):
    missing = client.get("/api/v1/lookup/KHONG-CO")
    assert missing.status_code == 404
    assert "hồ sơ" in missing.get_json()["error"]["message"]["vi"]


def test_docs_page_lists_operations_without_scripts(client, demo):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "GET /api/v1/procedures/" in html
    assert "<script" not in html
    assert "script-src 'self'" in page.headers.get("Content-Security-Policy", "")


def test_a_nul_character_names_nothing(client, demo):
    # PostgreSQL text holds no NUL: looked up, it failed in the database (a 500)
    assert client.get("/api/v1/lookup/A%00B").status_code == 404
    refused = client.get("/api/v1/procedures/", query_string={"q": "a\x00"})
    assert refused.status_code == 422
    assert "q" in refused.get_json()["error"]["fields"]
