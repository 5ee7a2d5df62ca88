import pytest


class InvalidTemplateVariable(str):
    """Make a template's undefined variable fail the test instead of rendering ''."""

    def __mod__(self, name):
        raise AssertionError(f"Undefined template variable: {name}")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for engine in settings.TEMPLATES:
        engine["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")
