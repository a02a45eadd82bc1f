from tests.national_portal import adapter  # noqa: F401
