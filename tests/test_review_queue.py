"""The review queue: everything in review by article, oldest first; publishing an
article's records with what they need, all or nothing; refusals that link to the cause."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements import editorial
from statements.models import Person, PublicationState, Reaction, Source, Statement

from .factories import PersonFactory, ReactionFactory, SourceFactory, StatementFactory
from .support import logged_in, user_with_role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/statements/statement/review/"
PUBLISH = "/admin/statements/statement/review/publish/"
REVIEW, DRAFT, PUBLISHED = (
    PublicationState.REVIEW,
    PublicationState.DRAFT,
    PublicationState.PUBLISHED,
)


def submitted(record, user):
    editorial.submit_for_review(record=record, user=user)
    return record


def article_in_review(editor, *, speaker=None, title="An article"):
    """A draft source with two statements and a reaction, all submitted by ``editor``."""
    source = SourceFactory(title=title, state=DRAFT)
    statements = [
        StatementFactory(state=DRAFT, sources=[source], speaker=speaker or PersonFactory())
        for _ in range(2)
    ]
    reaction = ReactionFactory(statement=statements[0], source=source, state=DRAFT)
    for record in [source, *statements, reaction]:
        submitted(record, editor)
    return source, statements, reaction


def test_the_admin_index_links_to_the_desk(editor_client):
    content = editor_client.get("/admin/").content.decode()

    assert 'href="/admin/statements/statement/intake/"' in content
    assert f'href="{QUEUE}"' in content


def test_publishers_see_everything_in_review_by_article_oldest_first(editor, publisher_client):
    first = article_in_review(editor, title="The older article")
    other_editor = user_with_role(editorial.EDITOR)
    second = article_in_review(other_editor, title="The newer article")
    loose = submitted(PersonFactory(state=DRAFT, name="Shane Hazel"), editor)
    StatementFactory(state=DRAFT)  # a draft nobody submitted: not in the queue

    response = publisher_client.get(QUEUE)

    groups = response.context["groups"]
    assert [group.source for group in groups] == [first[0], second[0], None]
    assert {item.record for item in groups[0].items} == {first[0], *first[1], first[2]}
    assert {item.submitted_by for item in groups[0].items} == {editor}
    assert {item.submitted_by for item in groups[1].items} == {other_editor}
    assert [item.record for item in groups[2].items] == [loose]
    content = response.content.decode()
    assert "The older article" in content
    assert content.index("The older article") < content.index("The newer article")
    assert editor.username in content


def test_editors_see_their_own_submissions_and_what_came_back(editor, publisher):
    mine = article_in_review(editor, title="Mine")
    article_in_review(user_with_role(editorial.EDITOR), title="Someone else's")
    editorial.return_to_draft(
        record=mine[1][1], user=publisher, reason="The quote needs its second sentence."
    )

    response = logged_in(editor).get(QUEUE)

    assert [group.source for group in response.context["groups"]] == [mine[0]]
    returned = response.context["returned"]
    assert [(back.record, back.by, back.reason) for back in returned] == [
        (mine[1][1], publisher, "The quote needs its second sentence.")
    ]
    content = response.content.decode()
    assert "Someone else's" not in content
    assert "The quote needs its second sentence." in content
    assert "Publish with what it needs" not in content


def test_publish_with_what_it_needs_lists_the_drafts_then_publishes_them_all(
    editor, publisher_client, client
):
    speaker = PersonFactory(state=DRAFT, name="David Perdue")  # a draft, never submitted
    source, statements, reaction = article_in_review(editor, speaker=speaker)
    group = publisher_client.get(QUEUE).context["groups"][0]

    page = publisher_client.get(group.publish_url)

    assert page.status_code == 200
    needs = [need for need, _, _ in page.context["needs"]]
    assert [(need.record, need.what) for need in needs] == [(speaker, "speaker")]
    content = page.content.decode()
    assert f'href="/admin/statements/person/{speaker.pk}/change/"' in content
    assert "Publish all 5 records" in content

    done = publisher_client.post(PUBLISH, {"r": page.context["keys"]})

    assert done.status_code == 302
    for record in [speaker, source, *statements, reaction]:
        record.refresh_from_db()
        assert record.state == PUBLISHED, record
    listing = client.get("/statements/").content.decode()
    for statement in statements:
        assert f'id="statement-{statement.pk}-label"' in listing


def test_a_refusal_names_what_blocks_it_as_links_and_publishes_nothing(editor, publisher_client):
    source, statements, reaction = article_in_review(editor)
    orphan = submitted(StatementFactory(state=DRAFT, sources=[]), editor)
    keys = [f"source.{source.pk}", f"statement.{orphan.pk}", f"statement.{statements[0].pk}"]

    page = publisher_client.get(PUBLISH, {"r": keys})

    blockers = [(blocker.record, blocker.problem) for blocker, _ in page.context["blockers"]]
    assert blockers == [(orphan, "cites no source")]
    link = f'href="/admin/statements/statement/{orphan.pk}/change/"'
    assert link in page.content.decode()

    refused = publisher_client.post(PUBLISH, {"r": keys})

    assert refused.status_code == 200
    assert "Nothing was published" in refused.content.decode()
    assert link in refused.content.decode()
    assert not Statement.objects.filter(state=PUBLISHED).exists()
    assert Source.objects.get(pk=source.pk).state == REVIEW


def test_a_publisher_sends_an_article_back_with_a_reason(editor, publisher_client):
    source, statements, reaction = article_in_review(editor)
    keys = [f"statement.{s.pk}" for s in statements]

    publisher_client.post(PUBLISH, {"r": keys, "_return": "1", "reason": "Check the date."})

    assert set(Statement.objects.values_list("state", flat=True)) == {DRAFT}
    back = logged_in(editor).get(QUEUE).context["returned"]
    assert {b.reason for b in back} == {"Check the date."}


def test_editors_cannot_publish_from_the_queue(editor, editor_client):
    source, statements, reaction = article_in_review(editor)

    assert editor_client.get(PUBLISH, {"r": [f"source.{source.pk}"]}).status_code == 403
    assert editor_client.post(PUBLISH, {"r": [f"source.{source.pk}"]}).status_code == 403
    assert Source.objects.get(pk=source.pk).state == REVIEW


def test_the_queue_costs_the_same_queries_at_3_articles_as_at_30(editor, publisher_client):
    def queries():
        publisher_client.get(QUEUE)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = publisher_client.get(QUEUE)
        assert response.status_code == 200
        return len(captured), sum(len(g.items) for g in response.context["groups"])

    for _ in range(3):
        article_in_review(editor)
        submitted(PersonFactory(state=DRAFT), editor)
    few, items_few = queries()
    for _ in range(27):
        article_in_review(editor)
        submitted(PersonFactory(state=DRAFT), editor)
    many, items_many = queries()

    print(f"Review queue: {few} queries at {items_few} records, {many} at {items_many}")
    assert items_many > items_few >= 12
    assert many == few


def test_the_queue_names_reactions_and_people_in_review(editor, publisher_client):
    person = submitted(PersonFactory(state=DRAFT, name="Shane Hazel"), editor)
    reaction = submitted(ReactionFactory(state=DRAFT), editor)

    content = publisher_client.get(QUEUE).content.decode()

    assert reverse("admin:statements_person_change", args=[person.pk]) in content
    assert reverse("admin:statements_reaction_change", args=[reaction.pk]) in content
    assert Person.objects.get(pk=person.pk).state == Reaction.objects.get(pk=reaction.pk).state
