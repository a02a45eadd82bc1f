"""schemathesis against the app: every operation of /api/v1/openapi.json, with generated valid
and invalid data, answers without a server error and within its documented responses and
schemas.

Driven through schemathesis's Python API rather than its pytest plugin, which does not run
under pytest 9 (schemathesis 4.32.5 reads a removed `Function._nodeid`)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks

from engine.api_clients.personal_tokens import create_personal_token
from engine.db import transaction
from tests.factories import submit

MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture
def citizen_token(demo, session_factory) -> str:
    citizen = demo.actor("congdan")
    submit(session_factory, citizen)
    with session_factory() as session, transaction(session):
        return create_personal_token(session, citizen, name="schemathesis")[1]


def _operations(app) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_lists_the_api_operations(app, demo):
    paths = {operation.path for operation in _operations(app)}
    assert {"/api/v1/procedures/", "/api/v1/dossiers/{code}", "/api/v1/tasks/"} <= paths


@pytest.fixture
def administrator_token(demo, session_factory) -> str:
    """Agency X's administrator, who may also read its statistics."""
    with session_factory() as session, transaction(session):
        return create_personal_token(session, demo.actor("quantri"), name="schemathesis")[1]


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
def test_every_operation_answers_within_its_schema(app, citizen_token, mode):
    failures = _failures(_operations(app), citizen_token, mode)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
def test_reports_and_administration_answer_within_their_schema(app, administrator_token, mode):
    """The citizen above is refused every report and administration operation (403): an
    administrator's calls reach their input checks and the engine."""
    operations = [
        operation
        for operation in _operations(app)
        if operation.path.startswith(("/api/v1/admin/", "/api/v1/reports/"))
    ]
    failures = _failures(operations, administrator_token, mode)
    assert not failures, "\n\n".join(failures)


def _failures(operations: list, token: str, mode) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=10,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # valid-looking data may still name nothing real (an opaque cursor, a dossier code
            # nobody has): refusing it is right, so `positive_data_acceptance` is left out;
            # `ignored_auth` re-sends with the headers given here, so it would see our valid
            # token: test_v1_credentials proves bad and missing credentials get 401
            case.validate_response(
                case.call(headers=headers),
                excluded_checks=[checks.positive_data_acceptance, checks.ignored_auth],
            )

        try:
            check()
        except Unsatisfiable:
            # no invalid value exists for the operation's only parameter (a free-text code in
            # the path): nothing negative to send
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.path
        except Exception as error:  # every operation's failure is reported, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    return failures
