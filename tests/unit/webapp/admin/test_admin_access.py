"""Every agency, officer and receiving-unit page refuses visitors and officers who are not
administrators, for reads and writes alike."""

from __future__ import annotations

import pytest

from tests.conftest import Browser

MODULES = ("webapp.admin.agencies", "webapp.admin.officers", "webapp.admin.procedure_units")
ARGUMENTS = {"agency_id": 1, "user_id": 1, "assignment_id": 1, "code": "1.001193"}


def endpoints(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.__module__ in MODULES:
            path = rule.build(ARGUMENTS)[1]
            found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_pages_exist(app):
    assert len(endpoints(app)) >= 16


@pytest.mark.parametrize("username", [None, "thuly", "congdan"])
def test_non_administrators_are_refused(app, demo, username):
    browser = Browser(app.test_client())
    if username:
        browser.login(username)
    for method, path in endpoints(app):
        if method == "GET":
            response = browser.client.get(path)
        else:
            response = browser.submit(path, {}, page="/dang-nhap" if not username else "/")
        assert response.status_code == 403, (method, path, username)
