import pytest

from tests.other_agency import create_other_agency_officer


@pytest.fixture
def other_agency_officer(demo, session_factory):
    return create_other_agency_officer(session_factory)
