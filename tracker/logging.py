"""Logging helpers: every record carries the id of the request it was written during.

The id lives in a context variable that ``tracker.middleware.RequestLogMiddleware`` sets
for the length of a request; ``RequestIDFilter`` copies it onto each record ("-" outside
a request). ``redact_query`` keeps secrets out of logged query strings.
"""

import logging
import re
import sys
from contextvars import ContextVar
from urllib.parse import parse_qsl, urlencode

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# A parameter whose name contains one of these, or is one of the words after them once
# split at "_" or "-", has its value replaced in the logs ("api_key", "csrfmiddlewaretoken",
# "sessionid", "password2" — but not "keyword" or "author").
SENSITIVE_FRAGMENTS = (
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "csrf",
    "session",
    "signature",
    "apikey",
    "credential",
)
SENSITIVE_WORDS = {"key", "pass", "auth", "sig", "otp", "code"}
REDACTED = "[redacted]"
MAX_QUERY_LENGTH = 500


class RequestIDFilter(logging.Filter):
    """Adds ``request_id`` to every record: the current request's id, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class StdoutHandler(logging.StreamHandler):
    """A stream handler bound to whatever ``sys.stdout`` is when a record is written.

    gunicorn, the test runner's capture and a shell redirect all see the lines. (A plain
    StreamHandler keeps the stream it was created with.)
    """

    def __init__(self):
        super().__init__(stream=sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


def is_sensitive(name: str) -> bool:
    lowered = name.lower()
    if any(fragment in lowered for fragment in SENSITIVE_FRAGMENTS):
        return True
    return any(word in SENSITIVE_WORDS for word in re.split(r"[^a-z0-9]+", lowered))


def redact_query(query_string: str) -> str:
    """The query string with the values of secret-looking parameters replaced.

    The result is re-encoded, so it holds no spaces or line breaks that could forge a
    log line, and is cut to MAX_QUERY_LENGTH characters.
    """
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    cleaned = [(name, REDACTED if is_sensitive(name) else value) for name, value in pairs]
    text = urlencode(cleaned, safe="/:,[]")
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH] + "…"
    return text


class DisallowedHostFilter(logging.Filter):
    """A request for a host we do not serve is a client's mistake or a probe, not our error:
    one WARNING line, without the traceback Django attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True
