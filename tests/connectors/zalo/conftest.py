import pytest

from connectors.zalo.client import zalo_settings
from connectors.zalo.sandbox import ZaloSandbox


@pytest.fixture
def zalo():
    """A Zalo sandbox of its own per test: fresh tokens, messages and outage switch."""
    sandbox = ZaloSandbox().start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def settings(zalo):
    return zalo_settings({}, zalo.environment)
