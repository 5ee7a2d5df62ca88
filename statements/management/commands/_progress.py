"""generate_statements' progress line on stderr."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.management.base import OutputWrapper


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """done/total, rate and time left: one line redrawn in place on a terminal, a plain
    line every few seconds otherwise (logs, CI)."""

    WIDTH = 24

    def __init__(
        self,
        total: int,
        out: OutputWrapper,
        label: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total, self.out, self.label, self.clock = total, out, label, clock
        self.tty = out.isatty()
        self.every = 0.25 if self.tty else 5.0
        self.started = self.shown = clock()
        self.done = self.shown_done = 0

    def line(self, done: int, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = format_duration((self.total - done) / rate) if rate else "?"
        share = done / self.total if self.total else 1.0
        text = (
            f"{self.label}: {done:,}/{self.total:,} ({share:.0%}), {rate:,.0f}/s, "
            f"ETA {left}, {format_duration(elapsed)} so far"
        )
        if self.tty:
            filled = round(share * self.WIDTH)
            return f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {text}"
        return text

    def update(self, done: int) -> None:
        self.done = done
        now = self.clock()
        if done == self.shown_done:
            return
        if now - self.shown >= self.every or done >= self.total:
            self.shown, self.shown_done = now, done
            if self.tty:
                self.out.write(f"\r\x1b[K{self.line(done, now)}", ending="")
                self.out.flush()
            else:
                self.out.write(self.line(done, now))

    def finish(self) -> None:
        if self.tty:
            self.out.write(f"\r\x1b[K{self.line(self.done, self.clock())}")
