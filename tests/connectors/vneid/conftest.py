import pytest

from connectors.vneid.sandbox import OidcSandbox


@pytest.fixture(scope="module")
def provider():
    """The sandbox national identity provider on a free port, for the module's tests."""
    sandbox = OidcSandbox().start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def oidc_settings(provider):
    from connectors.vneid.client import settings_from_env

    provider.set_id_token_filter(None)
    yield settings_from_env(provider.environment)
    provider.set_id_token_filter(None)
