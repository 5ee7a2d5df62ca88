"""Plain functions the test modules share; the fixtures built on them are in conftest.py."""

import datetime
import importlib
import itertools
import re
import threading

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from statements.demo import load_demo, ossoff
from statements.demo.loader import loader_account
from statements.editorial import ADMINISTRATOR, EDITOR, PUBLISHER
from statements.filters import StatementFilter
from statements.models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Election,
    Event,
    Organization,
    Person,
    Position,
    Race,
    Reaction,
    Source,
    Statement,
    Topic,
)

from .factories import (
    EventFactory,
    OrganizationFactory,
    OutletFactory,
    PartyFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

_serial = itertools.count()


# Users in the editorial roles ------------------------------------------------------------

# A staff account in none of the editorial groups.
NO_ROLE = "Staff, no group"
ROLES = [EDITOR, PUBLISHER, ADMINISTRATOR, NO_ROLE]


def ensure_roles() -> None:
    """The groups come from data migrations (0003, 0006). A transactional test (e.g. in
    tests/test_backup.py or the browser tests) flushes the database, groups included: run
    those very migrations again, on their own historical models, if the groups are gone."""
    groups = [EDITOR, PUBLISHER, ADMINISTRATOR]
    if Group.objects.filter(name__in=groups).count() == len(groups):
        return
    executor = MigrationExecutor(connection)
    for name in ("0003_editorial_roles", "0006_editorial_permissions"):
        state = executor.loader.project_state(("statements", name), at_end=True)
        migration = importlib.import_module(f"statements.migrations.{name}")
        operation = migration.Migration.operations[0]
        operation.code(state.apps, None)


def user_with_role(role: str) -> User:
    """A staff account in the group of `role` (one of ROLES), as the app's roles are."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: one of {ROLES}")
    ensure_roles()
    n = next(_serial)
    user = User.objects.create_user(f"user{n}", f"user{n}@example.org", "pw", is_staff=True)
    if role != NO_ROLE:
        user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)  # never client.login: django-axes wants a request
    return client


# Admin pages -------------------------------------------------------------------------


def statement_cards(response) -> list[str]:
    """The HTML of each statement card on a page, in order."""
    html = response.content.decode()
    return [part.split("</article>")[0] for part in html.split('<article class="card')[1:]]


def admin_url(model, view, *args):
    return reverse(f"admin:statements_{model._meta.model_name}_{view}", args=args)


def form_data(form) -> dict:
    """What a browser would post for the form as it was rendered."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[key] = "" if value is None else str(value)
    return data


def page_form_data(response) -> dict:
    """The main form and every inline, as rendered: submitting it changes nothing."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data |= form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= form_data(form)
    return data


def inline_prefixes(response) -> dict:
    return {
        inline.formset.model: inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
    }


def inline_rows(prefix, rows, min_num=0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": str(min_num),
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{field}": value for field, value in row.items()}
    return data


def form_errors(response) -> str:
    """The errors of a re-rendered admin form, to explain a failed assertion."""
    if response.context is None or "adminform" not in response.context:
        return f"status {response.status_code}"
    found = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        found += [inline.formset.non_form_errors(), *inline.formset.errors]
    return repr([errors for errors in found if errors])


def action_post(client, model, action, records, **extra):
    """A changelist action on `records`, as the admin's action form posts it."""
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0", **extra},
    )


# One record of each model registered in the admin, each filling in what its changelist shows

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "statements"),
    key=lambda model: model._meta.model_name,
)


def make_person():
    person = PersonFactory()
    Affiliation.objects.create(person=person, organization=OrganizationFactory(), role="member")
    return person


def make_affiliation():
    return Affiliation.objects.create(
        person=PersonFactory(),
        organization=OrganizationFactory(),
        role="president",
        start_date=datetime.date(2020, 1, 1),
    )


def make_election():
    n = next(_serial)
    return Election.objects.create(
        name=f"Election {n}",
        slug=f"election-{n}",
        office="U.S. Senate",
        jurisdiction="Georgia",
        year=2020,
    )


def make_race():
    n = next(_serial)
    return Race.objects.create(
        election=make_election(),
        stage=Race.Stage.PRIMARY,
        party=PartyFactory(),
        name=f"Democratic primary {n}",
        slug=f"race-{n}",
        date=datetime.date(2020, 6, 9),
    )


def make_candidacy():
    return Candidacy.objects.create(person=PersonFactory(), race=make_race(), party=PartyFactory())


def make_event():
    event = EventFactory()
    event.hosts.add(OrganizationFactory())
    return event


def make_topic():
    """A topic five levels deep, so the changelist shows paths with an ellipsis."""
    topic = None
    for _ in range(5):
        topic = TopicFactory(parent=topic)
    return topic


def make_statement():
    statement = StatementFactory(topics=[TopicFactory(parent=TopicFactory())])
    ReactionFactory(statement=statement)
    return statement


def make_comment_request():
    statement = StatementFactory()
    return CommentRequest.objects.create(
        statement=statement,
        asked_organization=OrganizationFactory(kind=Organization.Kind.CAMPAIGN),
        requested_by=OutletFactory(),
        subject="immigration policy and sanctuary cities",
        requested_on=datetime.date(2020, 6, 4),
        repeated=True,
        source=statement.sources.get(),
    )


def make_position():
    position = Position.objects.create(
        person=PersonFactory(),
        topic=TopicFactory(),
        summary="Opposes local enforcement of federal immigration law",
        as_of=datetime.date(2020, 5, 30),
    )
    position.statements.add(StatementFactory())
    position.sources.add(SourceFactory())
    return position


def make_background_note():
    note = BackgroundNote.objects.create(
        title=f"The 287(g) program {next(_serial)}",
        text="A voluntary program that deputizes local law enforcement agencies.",
        as_of=datetime.date(2020, 2, 1),
    )
    note.topics.add(TopicFactory())
    note.organizations.add(OrganizationFactory())
    note.sources.add(SourceFactory())
    return note


MAKERS = {
    Affiliation: make_affiliation,
    BackgroundNote: make_background_note,
    Candidacy: make_candidacy,
    CommentRequest: make_comment_request,
    Election: make_election,
    Event: make_event,
    Organization: OrganizationFactory,
    Person: make_person,
    Position: make_position,
    Race: make_race,
    Reaction: ReactionFactory,
    Source: SourceFactory,
    Statement: make_statement,
    Topic: make_topic,
}


# The statement add form filled in for a whole article ------------------------------------

QUOTE = (
    "I don\u2019t think it\u2019s the role of local law enforcement to enforce federal "
    "immigration law\u2026. It is important that there be \u201cbonds of trust\u201d [sic]."
)


def statement_post(add_page, article, *, state=None, sources=None) -> dict:
    """The add form filled in for the article; `state` is posted where given."""
    prefixes = inline_prefixes(add_page)
    first_source = article["sources"][0]
    reactions = [
        {
            "respondent": article["patel"].pk,
            "respondent_role": "president",
            "respondent_organization": article["students"].pk,
            "stance": Reaction.Stance.AGREES,
            "interpretation": "an endorsement of sanctuary cities",
            "kind": "direct",
            "text": "I agreed with Jon that local law enforcement should not be required\u2026",
            "channel": "email to the Washington Free Beacon",
            "source": first_source.pk,
        },
        {
            "respondent": article["mehlman"].pk,
            "respondent_role": "spokesman",
            "respondent_organization": article["fair"].pk,
            "stance": Reaction.Stance.DISAGREES,
            "kind": "direct",
            "text": "Nobody is compelling them to enforce federal immigration laws.",
            "source": first_source.pk,
        },
    ]
    if state is not None:
        for reaction in reactions:
            reaction["state"] = state
    data = {
        "speaker": article["speaker"].pk,
        "speaker_role": "candidate, U.S. Senate, Georgia",
        "speaker_party": article["party"].pk,
        "event": article["event"].pk,
        "said_on": "2020-05-30",
        "date_precision": "day",
        "date_inferred": "on",
        "date_inference_note": "Reported on Friday, June 5, 2020 as 'said Saturday'.",
        "kind": "direct",
        "text": QUOTE,
        "frame": "",
        "context": "Asked by the College Democrats of Georgia about immigration.",
        **inline_rows(
            prefixes[Statement.sources.through],
            [{"source": source.pk} for source in (sources or article["sources"])],
            min_num=1,
        ),
        **inline_rows(
            prefixes[Statement.topics.through],
            [{"topic": topic.pk} for topic in article["topics"]],
        ),
        **inline_rows(prefixes[Reaction], reactions),
        **inline_rows(
            prefixes[CommentRequest],
            [
                {
                    "asked_organization": article["campaign"].pk,
                    "requested_by": article["outlet"].pk,
                    "source": first_source.pk,
                    "subject": "immigration policy and sanctuary cities",
                    "date_precision": "day",
                    "repeated": "on",
                    "outcome": CommentRequest.Outcome.NO_RESPONSE,
                }
            ],
        ),
    }
    if state is not None:
        data["state"] = state
    return data


# A small, varied set of statements to filter (the feeds, the exports, the list page) -----


def build_world():
    """A small, varied set of statements (and drafts) to filter. Returns name -> id."""
    democrats, republicans = PartyFactory(slug="democratic-party"), PartyFactory(slug="gop")
    ossoff = PersonFactory(slug="jon-ossoff", name="Jon Ossoff")
    perdue = PersonFactory(slug="david-perdue", name="David Perdue")
    patel = PersonFactory(slug="bhavin-patel", name="Bhavin Patel")
    immigration = TopicFactory(slug="immigration", name="Immigration")
    program = TopicFactory(slug="287g-program", name="287(g) program", parent=immigration)
    economy = TopicFactory(slug="economy", name="Economy")
    town_hall = EventFactory(slug="town-hall", name="Town hall")
    debate = EventFactory(slug="debate", name="Debate", date=datetime.date(2020, 10, 28))
    primary = RaceFactory(slug="primary")  # on June 9, 2020
    general = RaceFactory(slug="general", stage="general", date=datetime.date(2020, 11, 3))
    in_primary = Candidacy.objects.create(person=ossoff, race=primary, party=democrats)
    in_general = Candidacy.objects.create(person=ossoff, race=general, party=democrats)
    perdue_in_general = Candidacy.objects.create(person=perdue, race=general, party=republicans)
    world = {
        "ossoff_287g": StatementFactory(
            speaker=ossoff,
            speaker_party=democrats,
            event=town_hall,
            topics=[program],
            kind="partial",
            frame="called the program",
            text="misguided",
            said_on=datetime.date(2020, 5, 30),
            candidacy=in_primary,
        ),
        "ossoff_economy": StatementFactory(
            speaker=ossoff,
            speaker_party=democrats,
            event=debate,
            topics=[economy],
            kind="paraphrase",
            text="the economy needs fixing",
            said_on=datetime.date(2020, 10, 28),
            candidacy=in_general,
        ),
        "perdue_immigration": StatementFactory(
            speaker=perdue,
            speaker_party=republicans,
            event=debate,
            topics=[immigration],
            kind="direct",
            said_on=datetime.date(2020, 10, 28),
            candidacy=perdue_in_general,
        ),
        "patel_untagged": StatementFactory(
            speaker=patel,
            event=town_hall,
            kind="direct",
            said_on=datetime.date(2020, 5, 31),
        ),
    }
    ReactionFactory(statement=world["ossoff_287g"], respondent=patel)
    ReactionFactory(statement=world["perdue_immigration"], state="draft")
    for state in ("draft", "review", "withdrawn"):
        StatementFactory(
            speaker=ossoff,
            topics=[program],
            state=state,
            text=f"A {state} remark.",
            said_on=datetime.date(2021, 1, 1),
        )
    return {name: statement.pk for name, statement in world.items()}


QUERIES = [
    "",
    "speaker=jon-ossoff",
    "speaker=jon-ossoff&topic=immigration",
    "topic=immigration",
    "topic=287g-program&topic=economy",
    "party=democratic-party",
    "race=primary",
    "event=debate",
    "kind=partial&kind=paraphrase",
    "said_after=2020-05-31&said_before=2020-10-28",
    "has_reactions=true",
    "has_reactions=false",
    "event=debate&party=gop",
    "speaker=jon-ossoff&kind=direct",
    "q=misguided",
    "ordering=said_on&page=2",
]


# The lists' order: newest day first, a day's statements in the order they were entered.
# Oldest first turns the days round, not the day.
NEWEST_FIRST = ("-said_on", "id")
OLDEST_FIRST = ("said_on", "id")


def newest_first(statements) -> list:
    return sorted(statements, key=lambda s: (-s.said_on.toordinal(), s.pk))


def oldest_first(statements) -> list:
    return sorted(statements, key=lambda s: (s.said_on, s.pk))


def filtered_ids(query: str, *, oldest: bool = False) -> list[int]:
    filterset = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
    assert not filterset.errors, filterset.errors
    ordering = OLDEST_FIRST if oldest else NEWEST_FIRST
    return list(filterset.results().order_by(*ordering).values_list("pk", flat=True))


def page_ids(client, query: str) -> list[int]:
    response = client.get(f"/statements/?{query}")
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', response.content.decode())]


# The demo data set, loaded once per session ------------------------------------------


# The shared `demo` fixture is the demo's first article (the Free Beacon's): the tests
# written against it count its rows and read its pages. The second article has tests of
# its own (tests/test_demo_debate.py), on everything `load_demo()` writes.
FIRST_ARTICLE = (ossoff,)


class DemoRows:
    """What `load_demo(FIRST_ARTICLE)` writes, captured the first time a test asks for it and
    inserted as it is, row for row, into later tests' databases.

    The loader validates and records history record by record; inserting its rows back
    is some 30 times faster (the numbers are in conftest.py's `demo`). They go back only
    where that is exactly what the loader would have done:

    - the tables of the statements apps are empty (else the loader, which updates what it
      finds, runs as before);
    - the loader wrote to no other table once its account exists, and the rows point
      outside those tables only at that account and at content types: ids that change
      when a transactional test flushes the database, so they are kept by natural key
      (username; app label and model) and looked up again on insertion.

    The search index follows: SQLite's triggers fill FTS5 from the inserted rows, and
    PostgreSQL computes the generated column. Sequences are moved past the inserted ids.
    """

    APPS = ("statements", "statements_history")

    def __init__(self):
        self.tables = None  # [(model, columns, rows)] once captured; [] if not reusable

    @classmethod
    def models(cls, *, ours: bool) -> list:
        return [
            model
            for model in apps.get_models(include_auto_created=True)
            if (model._meta.app_label in cls.APPS) == ours
        ]

    def load(self) -> None:
        if any(model._base_manager.exists() for model in self.models(ours=True)):
            load_demo(FIRST_ARTICLE)
        elif self.tables is None:
            self.tables = self.capture()
        elif self.tables:
            self.insert()
        else:
            load_demo(FIRST_ARTICLE)

    def capture(self) -> list:
        """Run the loader and read back what it wrote; [] if that cannot be reused."""
        loader_account()  # it exists before the loader runs, as on every insertion
        others = self.models(ours=False)
        before = [model._base_manager.count() for model in others]
        load_demo(FIRST_ARTICLE)
        if [model._base_manager.count() for model in others] != before:
            return []
        tables = []
        for model in self.models(ours=True):
            fields = model._meta.concrete_fields
            rows = [list(row) for row in self.read(model, [field.column for field in fields])]
            for index, field in enumerate(fields):
                if not field.is_relation or field.related_model._meta.app_label in self.APPS:
                    continue
                keys = self.natural_keys(field.related_model)
                for row in rows:
                    if row[index] is None:
                        continue
                    if row[index] not in keys:
                        return []  # a row of some other table: not ours to replay
                    row[index] = (field.related_model, keys[row[index]])
            if rows:
                tables.append((model, [field.column for field in fields], rows))
        return tables

    @staticmethod
    def natural_keys(model) -> dict:
        """Ids of the outside rows the demo may point at, by natural key."""
        if model is ContentType:
            return {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
        if model is get_user_model():
            return {user.pk: user.get_username() for user in model.objects.all()}
        return {}

    @classmethod
    def resolve(cls, value, ids: dict):
        """A captured value, with an outside reference turned into today's id."""
        if not isinstance(value, tuple):
            return value
        if value not in ids:
            ids[value] = cls.current_id(*value)
        return ids[value]

    @staticmethod
    def current_id(model, key):
        if model is ContentType:
            return ContentType.objects.get_by_natural_key(*key).pk
        return get_user_model()._default_manager.get_by_natural_key(key).pk

    @staticmethod
    def read(model, columns) -> list[tuple]:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)}"
            )
            return cursor.fetchall()

    def insert(self) -> None:
        quote = connection.ops.quote_name
        # In one transaction: the foreign keys are checked at its end, whatever the order.
        loader_account()
        ids: dict = {}
        with transaction.atomic(), connection.cursor() as cursor:
            for model, columns, captured in self.tables:
                rows = [[self.resolve(value, ids) for value in row] for row in captured]
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} "
                    f"({', '.join(map(quote, columns))}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
            models = [model for model, _, _ in self.tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


# The article desk (admin/statements/statement/intake/) -----------------------------------

INTAKE_URL = "/admin/statements/statement/intake/"


def desk_post(
    *,
    source: dict | None = None,
    event: dict | None = None,
    shared: dict | None = None,
    statements: list[dict] = (),
    reactions: list[dict] = (),
    comments: list[dict] = (),
    token: str = "",
    button: str = "_save",
) -> dict:
    """The article desk's form as a browser posts it: each part's fields under its
    prefix, the rows as formsets, and the button pressed."""
    data: dict = {button: "1"}
    if token:
        data["form_token"] = token
    for prefix, values in [("source", source), ("event", event), ("shared", shared)]:
        for name, value in (values or {}).items():
            data[f"{prefix}-{name}"] = _posted(value)
    for prefix, rows in [
        ("statements", statements),
        ("reactions", reactions),
        ("comments", comments),
    ]:
        data |= {
            f"{prefix}-TOTAL_FORMS": str(max(len(rows), 1)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "60",
        }
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = _posted(value)
    return {key: value for key, value in data.items() if value is not None}


def _posted(value):
    if value is True:
        return "on"
    if value is False:
        return None
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))


# Readers at once (statements/caching/single_flight.py) ----------------------------------

READERS_WAITING = 3


def first_then_others(ask, first_at_work: threading.Event) -> tuple[object, list]:
    """``ask()`` in one thread until ``first_at_work`` is set (the first is building),
    then in READERS_WAITING more threads at once: what the first got, and the others.
    An exception raised in a thread is what that thread got."""
    results: list = [None] * (1 + READERS_WAITING)

    def run(index):
        try:
            results[index] = ask()
        except Exception as error:  # noqa: BLE001 -- handed back to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(results))]
    threads[0].start()
    assert first_at_work.wait(10), "the first reader never started building"
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results[0], results[1:]
