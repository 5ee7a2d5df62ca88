"""One run of the alerts (`manage.py send_alerts`, from cron): one digest per address of
what was published since its searches were last considered, each statement once.

How a run goes, and how it scales to 100,000 subscriptions:

1. ``through`` is fixed at the start: now, less ALERTS_SETTLE_SECONDS, so that a
   statement whose publishing transaction commits late still lands in a later run rather
   than behind a high-water mark. Everything published after ``through`` waits for the
   next run.
2. The statements published since the oldest mark (at most ALERTS_LOOKBACK_DAYS back)
   and up to ``through`` are read once, as (id, published_at) pairs, through the public
   rule (``visibility.statements()``): a draft, or a statement withdrawn since, is never
   mailed. At most ALERTS_MAX_NEW_PER_RUN of them; if more, ``through`` moves back to the
   last one taken and the rest go in the next run.
3. Identical saved searches are grouped (the stored query string is normalised): the one
   StatementFilter runs once per *distinct* query, over those new ids only, whatever the
   number of subscribers who share it. 100,000 subscriptions typically share far fewer
   queries; each costs one query on a few hundred ids by primary key.
4. Subscribers are walked by id in batches of ALERTS_BATCH_SIZE (1,000): per batch, one
   query for its searches and one for the statements they need; then one digest per
   address, sent through one connection per batch, spaced ALERTS_MAX_PER_MINUTE apart.
   Memory holds one batch and the run's new ids, never the whole table. At 600 mails a
   minute, 100,000 digests take under three hours: raise the rate with the mail
   provider's limit, or run cron less often than that.
5. Each digest is sent inside its subscriber's transaction, which first locks and re-reads
   the searches still due (so two overlapping runs do not both send), and advances their
   marks to ``through`` only after the mail server accepted the message. Searches with
   nothing new have their marks advanced in one UPDATE per batch.

Guarantee: at least once, and in practice exactly once. A mail that fails is not marked
and goes again next run; nothing is lost. A crash after the server accepted a message but
before its transaction committed sends that one digest again: the only duplicate possible.
A statement withdrawn and published again has a new publication time and is mailed again.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.http import QueryDict
from django.utils import timezone

from ..filters import StatementFilter
from ..models import Statement
from ..reading import visibility
from . import mail, searches
from .models import SavedSearch, Subscriber

logger = logging.getLogger(__name__)


class RateLimiter:
    """Spaces sends ``60 / per_minute`` seconds apart; the clock and sleep are given, so
    the tests need not wait."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


@dataclass
class Report:
    through: datetime.datetime
    new_statements: int = 0
    distinct_searches: int = 0
    digests: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.digests} digest{'s' if self.digests != 1 else ''} sent, "
            f"{self.failed} failed; {self.new_statements} new statements for "
            f"{self.distinct_searches} distinct searches, published through "
            f"{self.through.isoformat()}"
        )


def published_between(
    since: datetime.datetime, through: datetime.datetime, limit: int
) -> tuple[dict[int, datetime.datetime], datetime.datetime]:
    """Public statements published in (since, through], as id -> published_at; and the
    ``through`` actually covered (earlier when more than ``limit`` were published)."""
    window = visibility.statements().filter(published_at__gt=since, published_at__lte=through)
    rows = list(
        window.order_by("published_at", "id").values_list("id", "published_at")[: limit + 1]
    )
    if len(rows) > limit:
        cut = rows[limit][1]
        kept = [row for row in rows if row[1] < cut]
        if kept:
            through = kept[-1][1]
            rows = [row for row in rows if row[1] <= through]
        else:  # all at one instant: take that instant whole
            through = cut
            rows = list(window.filter(published_at__lte=cut).values_list("id", "published_at"))
    return dict(rows), through


def matches(query: str, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the saved search selects: the one StatementFilter decides."""
    ids = list(ids)
    if not ids:
        return set()
    filterset = StatementFilter(
        QueryDict(query), queryset=visibility.statements().filter(pk__in=ids)
    )
    return set(filterset.results().order_by().values_list("pk", flat=True))


class Run:
    def __init__(
        self,
        *,
        now: datetime.datetime | None = None,
        batch_size: int | None = None,
        limiter: RateLimiter | None = None,
    ):
        now = now or timezone.now()
        self.through = now - datetime.timedelta(seconds=settings.ALERTS_SETTLE_SECONDS)
        self.floor = now - datetime.timedelta(days=settings.ALERTS_LOOKBACK_DAYS)
        self.batch_size = batch_size or settings.ALERTS_BATCH_SIZE
        self.limiter = limiter or RateLimiter(settings.ALERTS_MAX_PER_MINUTE)
        self.fresh: dict[int, datetime.datetime] = {}
        self.matched: dict[str, set[int]] = {}
        self.descriptions: dict[str, str] = {}

    def __call__(self) -> Report:
        due = SavedSearch.objects.filter(sent_through__lt=self.through)
        oldest = due.aggregate(oldest=Min("sent_through"))["oldest"]
        if oldest is None:
            return Report(self.through)
        self.fresh, self.through = published_between(
            max(oldest, self.floor), self.through, settings.ALERTS_MAX_NEW_PER_RUN
        )
        report = Report(self.through, new_statements=len(self.fresh))
        if self.fresh:
            for query, since in (
                due.filter(sent_through__lt=self.through)
                .values_list("query")
                .annotate(since=Min("sent_through"))
                .order_by()
            ):
                since = max(since, self.floor)
                candidates = [pk for pk, at in self.fresh.items() if at > since]
                found = matches(query, candidates)
                if found:
                    self.matched[query] = found
                report.distinct_searches += 1
        for batch in self.batches():
            self.send_batch(batch, report)
        return report

    def batches(self):
        due = SavedSearch.objects.filter(subscriber=OuterRef("pk"), sent_through__lt=self.through)
        last = 0
        while True:
            batch = list(
                Subscriber.objects.filter(Exists(due), pk__gt=last).order_by("pk")[
                    : self.batch_size
                ]
            )
            if not batch:
                return
            last = batch[-1].pk
            yield batch

    def new_for(self, search: SavedSearch) -> list[int]:
        """The statements new for ``search``, most recently published first."""
        since = max(search.sent_through, self.floor)
        found = [pk for pk in self.matched.get(search.query, ()) if self.fresh[pk] > since]
        return sorted(found, key=lambda pk: (self.fresh[pk], pk), reverse=True)

    def send_batch(self, batch: list[Subscriber], report: Report) -> None:
        by_subscriber: dict[int, list[SavedSearch]] = defaultdict(list)
        for search in SavedSearch.objects.filter(
            subscriber__in=batch, sent_through__lt=self.through
        ).order_by("subscriber_id", "id"):
            by_subscriber[search.subscriber_id].append(search)
        wanted = {
            pk for searches_ in by_subscriber.values() for s in searches_ for pk in self.new_for(s)
        }
        loaded = self.load(wanted)
        quiet: list[int] = []
        busy: list[Subscriber] = []
        for subscriber in batch:
            own = by_subscriber.get(subscriber.pk, [])
            if any(pk in loaded for s in own for pk in self.new_for(s)):
                busy.append(subscriber)
            else:
                quiet.extend(s.pk for s in own)
        SavedSearch.objects.filter(pk__in=quiet, sent_through__lt=self.through).update(
            sent_through=self.through
        )
        if not busy:
            return
        connection = get_connection()
        try:
            for subscriber in busy:
                self.limiter.wait()
                sent = self.send_one(subscriber, loaded, connection)
                if sent is True:
                    report.digests += 1
                elif sent is False:
                    report.failed += 1
        finally:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 -- a dead connection is closed already
                logger.warning("Closing the mail connection failed", exc_info=True)

    def load(self, ids: set[int]) -> dict[int, Statement]:
        if not ids:
            return {}
        rows = visibility.statements().filter(pk__in=ids).select_related("speaker")
        return {statement.pk: statement for statement in rows}

    def send_one(
        self, subscriber: Subscriber, loaded: dict[int, Statement], connection
    ) -> bool | None:
        """True when the digest went, False when it failed (it goes again next run), None
        when another run had sent it already."""
        try:
            with transaction.atomic():
                # Locked and read again: another run may have sent these meanwhile.
                due = list(
                    SavedSearch.objects.select_for_update()
                    .filter(subscriber=subscriber, sent_through__lt=self.through)
                    .order_by("id")
                )
                sections = [section for search in due if (section := self.section(search, loaded))]
                if sections:
                    mail.digest(subscriber, sections, connection=connection).send()
                SavedSearch.objects.filter(pk__in=[s.pk for s in due]).update(
                    sent_through=self.through
                )
            return True if sections else None
        except Exception:
            logger.exception("The digest to subscriber %s was not sent", subscriber.pk)
            try:
                connection.close()  # the next send opens a fresh one
            except Exception:  # noqa: BLE001
                pass
            return False

    def section(self, search: SavedSearch, loaded: dict[int, Statement]) -> mail.Section | None:
        ids = [pk for pk in self.new_for(search) if pk in loaded]
        if not ids:
            return None
        if search.query not in self.descriptions:
            self.descriptions[search.query] = searches.describe(search.query)
        shown = ids[: settings.ALERTS_MAX_PER_SEARCH]
        return mail.Section(
            search=search,
            description=self.descriptions[search.query],
            items=[mail.Item.of(loaded[pk]) for pk in shown],
            more=len(ids) - len(shown),
        )


def send_alerts(**options) -> Report:
    return Run(**options)()
