"""Fixtures of the online payment tests (tests/payments.py holds the applicant's browser)."""

from __future__ import annotations

import pytest

from engine.db import transaction
from engine.dossiers.submission import submit_dossier
from engine.outbox.dispatch import perform_due
from tests.national_portal import adapter  # noqa: F401 (the sandbox adapter fixture)
from tests.payments import Applicant
from tests.unit.processes.test_household_business import HO_KINH_DOANH, application


@pytest.fixture
def household_dossier(demo, session_factory) -> str:
    """A household-business registration submitted online; the worker has opened its payment."""
    with session_factory() as session, transaction(session):
        dossier = submit_dossier(session, demo.actor("congdan"), HO_KINH_DOANH, application())
        code = dossier.code
    perform_due(session_factory)
    return code


@pytest.fixture
def applicant(live_server) -> Applicant:
    browser = Applicant(live_server)
    browser.sign_in()
    return browser
