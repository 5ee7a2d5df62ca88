"""The benchmark's limit: the project's settings with the middleware of a fresh
``django-admin startproject`` and one URL, /_bench/bare/ (tracker.bench.bare).

`make bench` serves it with a second gunicorn (same tracker/gunicorn_conf.py, same
number of workers) next to the project's server, so that the project's own middleware
(request log, WhiteNoise, CSP, history, axes) is not in the way. tests/test_bench.py
checks that MIDDLEWARE is still Django's default list.
"""

from tracker.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "benchmarks.bare_urls"
