"""Full-text search: the same answers on SQLite (FTS5) and PostgreSQL (tsvector).

Run this file on both:
    pytest tests/test_search.py
    DATABASE_URL=postgres://…/tracker_search pytest tests/test_search.py
"""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements import editorial, search
from statements.models import Person, PublicationState, QuoteKind, Statement

from .factories import PersonFactory, StatementFactory
from .support import admin_url, form_errors, page_form_data, user_with_role

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 5, 30)


@pytest.fixture
def corpus():
    """The demo's statements by Jon Ossoff, and one by someone else."""
    ossoff = PersonFactory(name="Jon Ossoff")
    other = PersonFactory(name="Pat Rivera")
    return {
        "role": StatementFactory(
            speaker=ossoff,
            text=(
                "I don't think it's the role of local law enforcement to enforce federal "
                "immigration law"
            ),
            context=(
                "Answering a question about his immigration views from Bhavin Patel, "
                "president of the College Democrats of Georgia. The Washington Free Beacon "
                "asked Ossoff's campaign about his immigration policy and sanctuary cities; "
                "it did not respond."
            ),
        ),
        "trust": StatementFactory(
            speaker=ossoff,
            text=(
                "It is important that there be bonds of trust between local law enforcement "
                "and local communities....\u00a0We can't live in a society where people are "
                "afraid to call the police while someone's being assaulted in their home, "
                "because everyone's going to get their papers checked when the local PD "
                "arrives."
            ),
            context=(
                "Quoted in the same passage as his remark that it is not the role of local "
                "law enforcement to enforce federal immigration law."
            ),
        ),
        "misguided": StatementFactory(
            speaker=ossoff,
            kind=QuoteKind.PARTIAL,
            text="misguided",
            frame="called the 287(g) program",
            context="Remark on the 287(g) program during the same town hall.",
        ),
        "hire": StatementFactory(
            speaker=ossoff,
            kind=QuoteKind.PARAPHRASE,
            text="he would target those who hire illegal immigrants",
            context="Reported, not quoted, in the same sentence as his remark on borders.",
        ),
        "country": StatementFactory(
            speaker=ossoff,
            text=(
                "That's what makes us a country.... This isn't something that a lot of "
                "Democrats say"
            ),
            context="Quoted right after the article reports him saying it needs border control.",
        ),
        "other": StatementFactory(
            speaker=other,
            text="Our communities deserve safe streets and a fair immigration system.",
            context="Said at a campaign stop in Macon.",
        ),
    }


def found(query, queryset=None):
    queryset = Statement.objects.all() if queryset is None else queryset
    return set(search.matching(queryset, query))


def named(corpus, *names):
    return {corpus[name] for name in names}


# Matching ------------------------------------------------------------------------------


def test_punctuation_is_tokenised_like_the_index(corpus):
    assert found("287(g)", Statement.objects.all()) == named(corpus, "misguided")
    assert found('"287(g) program"') == named(corpus, "misguided")


def test_phrase_matches_words_in_order(corpus):
    assert found('"bonds of trust"') == named(corpus, "trust")
    assert found('"trust bonds"') == set()
    # Bare words need not be adjacent nor in order.
    assert found("trust bonds") == named(corpus, "trust")


def test_context_is_searched_and_words_are_stemmed(corpus):
    assert found("sanctuary") == named(corpus, "role")
    assert found("sanctuaries") == named(corpus, "role")
    assert found('"sanctuary city"') == named(corpus, "role")
    assert found("immigrant") == named(corpus, "role", "trust", "hire", "other")


def test_speaker_name_is_searched(corpus):
    ossoffs = named(corpus, "role", "trust", "misguided", "hire", "country")
    assert found("Ossoff") == ossoffs
    assert found("ossoff's") == ossoffs
    assert found('"Jon Ossoff" misguided') == named(corpus, "misguided")
    assert found("Rivera") == named(corpus, "other")


def test_negation(corpus):
    assert found("immigration -federal") == named(corpus, "hire", "other")
    assert found('immigration -"local law"') == named(corpus, "hire", "other")
    assert found("immigration -federal -Rivera") == named(corpus, "hire")


def test_or(corpus):
    assert found("misguided or papers") == named(corpus, "misguided", "trust")
    assert found("misguided OR papers") == named(corpus, "misguided", "trust")
    # "or" binds tighter than the implied AND: (misguided OR papers) AND law.
    assert found("misguided or papers law") == named(corpus, "trust")
    assert found('"town hall" or "bonds of trust" -papers') == named(corpus, "misguided")


def test_stop_words_are_ignored_on_every_backend(corpus):
    # PostgreSQL's English configuration drops these words; SQLite indexes them. The
    # parser drops them everywhere so that both give the same answers.
    assert found("the 287(g)") == named(corpus, "misguided")
    assert found('"the role of local law"') == named(corpus, "role", "trust")


@pytest.fixture
def why(corpus):
    """Statements where "why" and "here's why" are the words to find."""
    return {
        **corpus,
        "heres_why": StatementFactory(text="Here\u2019s why I am running: Georgia needs it."),
        "why_context": StatementFactory(
            text="We will fix it.", context="Asked why the plan had failed, he said this."
        ),
        "why_here": StatementFactory(text="Why here, and why now? Because people asked."),
        "whyever": StatementFactory(text="Whyever not, somewhere, anyhow: nowhere."),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("why", {"heres_why", "why_context", "why_here"}),
        ("WHY", {"heres_why", "why_context", "why_here"}),
        ("here's why", {"heres_why"}),
        ("Here\u2019s why", {"heres_why"}),
        ('"here\'s why"', {"heres_why"}),
        ("why -running", {"why_context", "why_here"}),
        ("why now", {"why_here"}),
        ("the role", {"role", "trust"}),  # "the role of local", "role of local law" in context
        ("the", {"role", "trust", "misguided", "hire", "country", "why_context"}),
        ("why not", set()),  # "Whyever not" is not "why not"
        ("the of", set()),
    ],
)
def test_a_query_of_stop_words_only_is_a_phrase_in_the_words(why, query, expected):
    """Every word a stop word: look for them, in order, as whole words, in the statement's
    words or context (not the speaker's name), rather than for nothing."""
    assert found(query) == named(why, *expected)
    ranked = search.ranked_ids(Statement.objects.all(), query)
    assert set(ranked) == {why[name].pk for name in expected}
    results = list(Statement.objects.filter(pk__in=ranked))
    search.highlight(results, query)
    for statement in results:
        assert "<mark>" in statement.snippet


def test_a_stop_word_search_on_the_page(client, why):
    body = client.get("/statements/", {"q": "here's why"}).content.decode()
    assert re.findall(r'id="statement-(\d+)-label"', body) == [str(why["heres_why"].pk)]
    assert "<mark>Here’s why</mark>" in body
    assert "listed by date" in body
    body = client.get("/statements/", {"q": "why"}).content.decode()
    shown = {int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', body)}
    assert shown == {why[name].pk for name in ("heres_why", "why_context", "why_here")}
    body = client.get("/statements/", {"q": "why not"}).content.decode()
    assert "No published statement" in body
    assert "Try removing" not in body
    assert "in this order" in body
    body = client.get("/statements/", {"q": "-why"}).content.decode()
    assert "no word to look for" in body
    assert "Try removing" not in body


def test_matching_composes_with_other_filters(corpus):
    draft = StatementFactory(
        speaker=corpus["role"].speaker,
        text="A draft about local law enforcement.",
        state=PublicationState.DRAFT,
    )
    assert draft in found("enforcement")
    published = search.matching(Statement.objects.published(), "enforcement")
    assert set(published) == named(corpus, "role", "trust")
    # Filters applied after matching compose too.
    assert set(published.filter(speaker=corpus["role"].speaker)) == named(corpus, "role", "trust")
    assert set(published.exclude(pk=corpus["role"].pk)) == named(corpus, "trust")


def test_matching_is_lazy(corpus, django_assert_num_queries):
    with django_assert_num_queries(0):
        queryset = search.matching(Statement.objects.published(), "law enforcement")
    with django_assert_num_queries(1):
        assert len(queryset) == 2


@pytest.mark.parametrize(
    "query",
    [
        '"bonds of',
        'bonds of"',
        '"',
        '"""',
        "\x00",
        "bonds\x00of\x00trust",
        "law\x00",
        "x" * 10_000,
        "law " * 2_500,
        "*",
        "law*",
        ")",
        "(",
        "NEAR(",
        "NEAR(law enforcement, 2)",
        "AND",
        "OR",
        "NOT",
        "law AND OR NOT",
        "-",
        "--",
        "- -",
        '""',
        '-""',
        "-law",
        "-law -immigration",
        '-"local law"',
        "or",
        "or or or",
        "law or",
        "^law",
        "text:law",
        "context : sanctuary",
        "{text context}: law",
        "\\",
        "'",
        "';--",
        "%",
        "%s",
        "_",
        "law%",
        "!!law",
        "law & !immigration | (x <-> y)",
        "law:*",
        "\ud800",
        "\u200b\u200d\ufeff",
        "law\u202eenforcement",
        "日本語",
        "🙂 law",
        " ",
        "",
    ],
)
def test_any_input_is_tolerated(corpus, query):
    queryset = search.matching(Statement.objects.all(), query)
    results = list(queryset)
    ids = search.ranked_ids(Statement.objects.all(), query)
    assert set(ids) == {statement.pk for statement in results}
    search.highlight(results, query)


@pytest.mark.parametrize("query", ["*", ")", "-", '""', "-law", "-law -papers", "-why"])
def test_nothing_to_look_for_matches_nothing(corpus, query, django_assert_num_queries):
    assert found(query) == set()
    with django_assert_num_queries(0):
        assert search.ranked_ids(Statement.objects.all(), query) == []


def test_partial_and_long_queries(corpus):
    assert found('"bonds of') == named(corpus, "trust")
    assert found("bonds\x00of\x00trust") == named(corpus, "trust")
    # Cut at MAX_QUERY_LENGTH: the words after the cut are not looked for.
    padding = "law " * (search.MAX_QUERY_LENGTH // 4)
    assert found(padding + "misguided") == named(corpus, "role", "trust")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.lists(
        st.one_of(
            st.sampled_from(list("\"-() *:^{}+,.'\\%_&|!<>") + ["or", "OR", "NEAR", "AND", "NOT"]),
            st.sampled_from(["law", "bonds", "trust", "287", "g", "the", " ", "-", '"']),
            st.text(max_size=3),
        ),
        max_size=15,
    ).map("".join)
)
def test_random_queries_never_raise(corpus, query):
    results = list(search.matching(Statement.objects.all(), query))
    ranked = search.ranked(Statement.objects.all(), query, limit=3)
    # Three of the matches at most (all of them when there are no more), as ids.
    assert all(isinstance(pk, int) for pk in ranked.ids)
    assert set(ranked.ids) <= {statement.pk for statement in results}
    assert len(ranked.ids) == min(3, len(results))
    assert ranked.capped == (len(results) > 3)
    search.highlight(results, query)


def test_user_input_never_becomes_fts5_syntax():
    parsed = search.parse('a" OR text:b NEAR(c) * d"e -"f')
    expression = search.sqlite.match_expression(parsed)
    # Every operand is a quoted string; the only operators are ours.
    assert expression == '("text:b NEAR(c) * d" AND "e") NOT "f"'
    assert search.sqlite.match_expression(search.parse("\x00law\x00")) == '"law"'


# Ranking -------------------------------------------------------------------------------


def test_text_ranks_above_context():
    speaker = PersonFactory(name="Sam Lee")
    in_text = StatementFactory(
        speaker=speaker, said_on=DAY, text="Tariffs hurt farmers in Georgia.", context=""
    )
    in_context = StatementFactory(
        speaker=speaker,
        said_on=DAY + datetime.timedelta(days=30),  # newer, so not a tie-break win
        text="We will look after farmers in Georgia.",
        context="Asked about tariffs.",
    )
    assert search.ranked_ids(Statement.objects.all(), "tariffs") == [in_text.pk, in_context.pk]


def test_ties_go_to_the_newest_then_in_the_order_entered():
    speaker = PersonFactory(name="Sam Lee")
    old = StatementFactory(speaker=speaker, said_on=DAY, text="Broadband for rural towns.")
    new = StatementFactory(
        speaker=speaker, said_on=DAY.replace(year=2021), text="Broadband for rural towns."
    )
    same_day = StatementFactory(
        speaker=speaker, said_on=DAY.replace(year=2021), text="Broadband for rural towns."
    )
    assert search.ranked_ids(Statement.objects.all(), "broadband") == [
        new.pk,
        same_day.pk,
        old.pk,
    ]


def test_ranking_is_capped_and_says_so(django_assert_num_queries):
    speaker = PersonFactory(name="Sam Lee")
    best = StatementFactory(speaker=speaker, said_on=DAY, text="Tariffs, tariffs and tariffs.")
    others = [
        StatementFactory(
            speaker=speaker,
            said_on=DAY + datetime.timedelta(days=n),
            text=f"Speech number {n} at the farm bureau.",
            context="Mentions tariffs once.",
        )
        for n in range(1, 4)
    ]
    everything = search.ranked(Statement.objects.all(), "tariffs")
    # No more matches than the cap: all of them, exactly ranked, and not capped.
    assert everything.ids == [best.pk, others[2].pk, others[1].pk, others[0].pk]
    assert not everything.capped
    with django_assert_num_queries(1):
        limited = search.ranked(Statement.objects.all(), "tariffs", limit=2)
    # More: at most the cap, all of them matches, ranked among themselves, and capped.
    assert len(limited.ids) == 2 and limited.capped
    assert set(limited.ids) <= set(everything.ids)
    assert limited.ids == [pk for pk in everything.ids if pk in limited.ids]
    assert search.ranked_ids(Statement.objects.all(), "tariffs", limit=0) == []
    with django_assert_num_queries(0):
        assert search.ranked_ids(Statement.objects.none(), "tariffs") == []
        assert search.ranked_ids(Statement.objects.filter(pk__in=[]), "tariffs") == []


def test_ranked_ids_respects_the_queryset(corpus):
    ids = search.ranked_ids(Statement.objects.exclude(pk=corpus["trust"].pk), "enforcement")
    assert ids == [corpus["role"].pk]
    draft = StatementFactory(text="Enforcement, enforcement.", state=PublicationState.DRAFT)
    assert draft.pk not in search.ranked_ids(Statement.objects.published(), "enforcement")
    # The queryset may already be filtered by matching (as the list view does).
    already = search.matching(Statement.objects.published(), "enforcement")
    assert set(search.ranked_ids(already, "enforcement")) == {
        corpus["role"].pk,
        corpus["trust"].pk,
    }


# Snippets ------------------------------------------------------------------------------


def test_snippet_marks_the_hits(corpus, django_assert_num_queries):
    statements = [corpus["role"], corpus["trust"]]
    with django_assert_num_queries(0):
        search.highlight(statements, "enforcement")
    role = corpus["role"].snippet
    assert isinstance(role, SafeString)
    assert "local law <mark>enforcement</mark> to <mark>enforce</mark> federal" in role
    assert role.startswith("I don&#x27;t think")  # the whole short text, escaped


def test_snippet_marks_a_phrase_as_one(corpus):
    search.highlight([corpus["trust"]], '"bonds of trust" -papers')
    assert "<mark>bonds of trust</mark>" in corpus["trust"].snippet
    assert "papers" not in corpus["trust"].snippet  # an excerpt, not the whole text
    assert corpus["trust"].snippet.startswith("…") or "It is important" in corpus["trust"].snippet
    assert corpus["trust"].snippet.endswith("…")


def test_snippet_of_a_long_text_is_an_excerpt_around_the_hit():
    words = " ".join(f"word{n}" for n in range(200))
    statement = StatementFactory(text=f"{words} tariffs {words}")
    search.highlight([statement], "tariffs")
    snippet = statement.snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>tariffs</mark>" in snippet
    assert len(snippet) < 400


def test_snippet_is_escaped():
    statement = StatementFactory(
        text='<script>alert(1)</script> Tariffs & "duties" <b>now</b>',
        context="<img src=x onerror=alert(2)>",
    )
    search.highlight([statement], "alert tariffs")
    snippet = str(statement.snippet)
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in snippet
    assert "<mark>Tariffs</mark> &amp; &quot;duties&quot;" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 2
    # The query cannot inject markup either.
    search.highlight([statement], "<script> tariffs")
    assert "<script>" not in str(statement.snippet)


def test_snippet_falls_back_to_the_context(corpus):
    search.highlight([corpus["role"]], "sanctuary")
    snippet = corpus["role"].snippet
    assert "<mark>sanctuary</mark> cities" in snippet
    assert "enforce federal" not in snippet

    # A hit only in the speaker's name: the context, unmarked.
    search.highlight([corpus["misguided"]], "Ossoff")
    assert corpus["misguided"].snippet == "Remark on the 287(g) program during the same town hall."

    no_context = StatementFactory(speaker=PersonFactory(name="Sam Lee"), text="Hello.", context="")
    search.highlight([no_context], "Lee")
    assert no_context.snippet == ""
    assert isinstance(no_context.snippet, SafeString)


def test_snippet_marks_stemmed_forms(corpus):
    search.highlight([corpus["hire"]], "immigration hiring")
    assert "<mark>hire</mark> illegal <mark>immigrants</mark>" in corpus["hire"].snippet


# The index stays in step ---------------------------------------------------------------


def test_index_follows_saves_updates_and_deletes(corpus):
    statement = corpus["misguided"]
    statement.text = "counterproductive"
    statement.save()
    assert found("misguided") == set()
    assert found("counterproductive") == {statement}
    assert found("287(g)") == {statement}  # the context is still indexed

    Statement.objects.filter(pk=statement.pk).update(context="Said at a rally.")
    assert found("287(g)") == set()
    assert found("rally counterproductive") == {statement}

    # Changes to columns that are not indexed leave the index alone.
    Statement.objects.filter(pk=statement.pk).update(state=PublicationState.WITHDRAWN)
    assert found("rally counterproductive") == {statement}

    statement.delete()
    assert found("counterproductive") == set()
    assert found("rally") == set()


def test_new_statements_are_found_at_once():
    statement = StatementFactory(text="Peaches and pecans.", context="")
    assert found("pecan") == {statement}
    assert search.ranked_ids(Statement.objects.all(), "peaches") == [statement.pk]


def rename(person, name):
    person.name = name
    editorial.update_record(
        record=person, user=user_with_role("Publisher"), loaded_version=person.version
    )


def test_renaming_a_person_renames_them_in_search(corpus):
    rename(corpus["other"].speaker, "Pat Delgado")
    assert found("Delgado") == named(corpus, "other")
    assert found("Rivera") == set()
    assert found("Ossoff") == named(corpus, "role", "trust", "misguided", "hire", "country")


def test_reverting_a_rename_brings_the_old_name_back(corpus):
    person = corpus["other"].speaker
    created = person.history.earliest("history_date")
    rename(person, "Pat Delgado")
    assert found("Delgado") == named(corpus, "other")
    editorial.revert(
        record=person,
        user=user_with_role("Publisher"),
        history_id=created.history_id,
        loaded_version=person.version,
    )
    assert found("Rivera") == named(corpus, "other")
    assert found("Delgado") == set()


def test_renaming_a_person_in_the_admin_renames_them_in_search(corpus):
    person = corpus["other"].speaker
    client = Client()
    client.force_login(user_with_role("Publisher"))
    url = admin_url(Person, "change", person.pk)
    data = page_form_data(client.get(url)) | {"name": "Pat Delgado"}

    response = client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Person.objects.get(pk=person.pk).name == "Pat Delgado"
    assert found("Delgado") == named(corpus, "other")
    assert found("Rivera") == set()


# Backend internals ---------------------------------------------------------------------


def test_index_exists_after_all_migrations():
    """A later migration that rebuilds the statement table on SQLite drops its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'statements_statement'"
            )
            assert {row[0] for row in cursor.fetchall()} >= {
                "statements_statement_fts_insert",
                "statements_statement_fts_update",
                "statements_statement_fts_delete",
            }
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'statements_statement' "
                "AND indexname = 'statement_search_vector_idx'"
            )
            assert "gin (search_vector)" in cursor.fetchone()[0]
        else:
            pytest.skip(f"no search index on {connection.vendor}")


def test_postgresql_match_uses_the_gin_index(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's query plan")
    tsquery, params = search.postgres.tsquery_sql(search.parse("immigration -federal"))
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan; the point is that the index can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM statements_statement WHERE search_vector @@ {tsquery}",
            params,
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Either index that holds the search vector: on a table this small both cost the same,
    # and the planner takes one or the other (the speaker's holds it too: migration 0023).
    served = r"Bitmap Index Scan on statement_(search_vector|speaker_search)_idx"
    assert re.search(served, plan), plan
    assert "Seq Scan" not in plan, plan


def test_sqlite_match_uses_fts5(corpus):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    plan = search.matching(Statement.objects.published(), "immigration").explain()
    assert "VIRTUAL TABLE INDEX" in plan and "statements_statement_fts" in plan


# The heading ---------------------------------------------------------------------------


def heading(body: str) -> str:
    found_heading = re.search(r'<h2 id="results-heading">(.*?)</h2>', body, re.S)
    assert found_heading, body[:500]
    return " ".join(html.unescape(found_heading[1]).split())


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("purview of", "“purview of”"),
        ('"purview of"', "“purview of”"),
        ("\u201cpurview of\u201d", "“purview of”"),
        ('"purview of', "“purview of”"),
        ('"purview of" law', "“‘purview of’ law”"),
        ('law -"purview of"', "“law -‘purview of’”"),
    ],
)
def test_the_query_is_shown_once_in_one_pair_of_quotation_marks(client, corpus, query, shown):
    body = client.get("/statements/", {"q": query}).content.decode()
    assert heading(body).endswith(f"matching {shown}")
    title = html.unescape(re.search(r"<title>(.*?)</title>", body, re.S)[1])
    assert title.startswith(f"{shown} · Statements")
    feed = client.get("/statements/feed/", {"q": query}).content.decode()
    feed_title = html.unescape(re.search(r"<title>(.*?)</title>", feed)[1])
    assert f"matching {shown} · " in feed_title


def test_a_long_query_is_cut_inside_its_quotation_marks(client, corpus):
    body = client.get("/statements/", {"q": '"' + "law " * 40 + '"'}).content.decode()
    shown = heading(body).split("matching ", 1)[1]
    assert shown.startswith("“law law") and shown.endswith("…”")
    assert '"' not in shown
