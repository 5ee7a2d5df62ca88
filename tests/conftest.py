import threading

import pytest
from django.core.cache import caches

from statements.caching import single_flight
from statements.editorial import ADMINISTRATOR, EDITOR, PUBLISHER

from .support import (
    NO_ROLE,
    READERS_WAITING,
    DemoRows,
    build_world,
    logged_in,
    user_with_role,
)


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Topic counts are cached between requests: each test starts from its own data,
    whichever test ran before it in this process (rendered fragments too)."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture
def readers_waiting(monkeypatch):
    """An event set once READERS_WAITING threads have found what they asked for being
    built by another and paused to look again: they are waiting for it, not building."""
    paused: set[int] = set()
    all_waiting = threading.Event()
    guard = threading.Lock()

    def pause(seconds):
        with guard:
            paused.add(threading.get_ident())
            if len(paused) >= READERS_WAITING:
                all_waiting.set()
        threading.Event().wait(0.001)

    monkeypatch.setattr(single_flight, "pause", pause)
    return all_waiting


# Staff accounts, one per editorial role (the groups of migrations 0003 and 0006) --------


@pytest.fixture
def editor():
    return user_with_role(EDITOR)


@pytest.fixture
def publisher():
    return user_with_role(PUBLISHER)


@pytest.fixture
def administrator():
    return user_with_role(ADMINISTRATOR)


@pytest.fixture
def staff_without_role():
    return user_with_role(NO_ROLE)


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def publisher_client(publisher):
    return logged_in(publisher)


@pytest.fixture
def administrator_client(administrator):
    return logged_in(administrator)


@pytest.fixture
def staff_without_role_client(staff_without_role):
    return logged_in(staff_without_role)


# Data ------------------------------------------------------------------------------------


@pytest.fixture
def world():
    """A few published statements to filter, and drafts that must never show: name -> id."""
    return build_world()


_DEMO = DemoRows()


@pytest.fixture
def demo():
    """The demo's first article, as `statements.demo.load_demo(FIRST_ARTICLE)` makes
    it, in this test's database (tests/support.py says why the first only). The loader
    runs in the first test that asks; later tests get its rows inserted as they were
    (DemoRows in tests/support.py says when that is exact).

    Some 200 tests ask. The loader takes 0.7 to 1.3 s a test (it validates and records
    history record by record); inserting its 212 rows takes 15 to 35 ms on SQLite and
    about 50 ms on PostgreSQL."""
    _DEMO.load()
