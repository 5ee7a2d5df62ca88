"""Browser tests drive the real Chromium from Debian (/usr/bin/chromium) with Playwright.

Locally, without Chromium, they skip with the reason. In CI (CI=true) a missing
browser is a failure: CI installs it.
"""

import os
from pathlib import Path

import pytest

# Playwright runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the browser tests: {reason}")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-gpu",
        ],
    }


@pytest.fixture
def demo_site(live_server, demo):
    """The live server with the demo article loaded; returns its base URL."""
    return live_server.url
