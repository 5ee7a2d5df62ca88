"""Saving a checked article in one transaction, as drafts or straight into review."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from ...models import (
    EditorialModel,
    Event,
    Organization,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
)
from ..edits import claim_token, create_record
from ..errors import EditorialRefusal
from ..races import suggest_candidacy
from ..records import User, unique_slug
from ..workflow import submit_for_review
from .article import Article, EnteredArticle, Part
from .checking import check_article
from .reactions import save_comment_requests, save_reactions, save_retorts
from .refusals import IntakeRefused, create, refused
from .reprints import cite_again
from .rows import model_values


@transaction.atomic
def enter_article(
    *, article: Article, user: User, token: uuid.UUID | None = None, submit: bool = False
) -> EnteredArticle:
    """Save the article: every record through ``create_record`` (as a draft), then, with
    ``submit``, every new record into review. Refused, with nothing saved, if the check
    finds a problem or a service refuses a record (``IntakeRefused`` names where)."""
    check = check_article(article)
    if not check.ok:
        (where, fields), *_ = check.problems.items()
        (name, messages), *_ = fields.items()
        raise IntakeRefused(messages[0], part=where, field=name)
    claim = claim_token(token, user, Source) if token is not None else None
    created: list[EditorialModel] = []
    source = _save_source(article, user, created)
    entered = EnteredArticle(source=source, created=created)
    event = _save_event(article, user, created)
    saved: dict[int, Statement] = {}
    for plan in check.statements:
        entry = article.statements[plan.index]
        part: Part = ("statement", plan.index)
        cited = plan.source or source
        if entry.reprint.startswith("add:"):
            statement = cite_again(plan, entry.reprint, cited, user, part)
            entered.cited_again.append(statement)
            saved[plan.index] = statement
            continue
        values = dict(plan.values)
        if values.get("event") is None and event is not None:
            values["event"] = event
        if values.get("speaker") and values.get("said_on") and not values.get("candidacy"):
            # The race the speaker was running in that day, as the statement form suggests.
            values["candidacy"] = suggest_candidacy(
                speaker=values["speaker"], said_on=values["said_on"]
            )
        statement = create(Statement(**model_values(Statement, values)), user, part)
        entered.created.append(statement)
        entered.statements.append(statement)
        saved[plan.index] = statement
        create(StatementSource(statement=statement, source=cited), user, part)
        for topic in plan.topics:
            create(StatementTopic(statement=statement, topic=topic), user, part)
    entered.created.extend(save_retorts(check, article, source, saved, user))
    entered.created.extend(save_reactions(article, source, saved, user))
    save_comment_requests(article, source, saved, user)
    if submit:
        for record in entered.created:
            submit_for_review(record=record, user=user, note="Entered from the article desk")
        entered.submitted = True
    if claim is not None:
        claim.object_id = source.pk
        claim.save(update_fields=["object_id"])
    return entered


def _save_source(article: Article, user: User, created: list[EditorialModel]) -> Source:
    if article.source is not None:
        return article.source
    values = dict(article.source_values)
    if values.get("outlet") is None:
        name = article.new_outlet.strip()
        if not name:
            raise IntakeRefused(
                "Choose the outlet that published the article, or type a new outlet's name.",
                part=("source", None),
                field="outlet",
            )
        outlet = Organization(
            name=name, slug=unique_slug(Organization, name), kind=Organization.Kind.NEWS
        )
        created.append(create(outlet, user, ("source", None), field="new_outlet"))
        values["outlet"] = outlet
    source = create(Source(**model_values(Source, values)), user, ("source", None))
    created.append(source)
    return source


def _save_event(article: Article, user: User, created: list[EditorialModel]) -> Event | None:
    if article.event is not None:
        return article.event
    values = dict(article.event_values)
    if not values.get("name"):
        return None
    hosts = list(article.hosts)
    for name in article.new_hosts:
        host = Organization(name=name, slug=unique_slug(Organization, name))
        created.append(create(host, user, ("event", None), field="new_hosts"))
        hosts.append(host)
    day = values.get("date")
    values["slug"] = unique_slug(
        Event, f"{values['name']} {day:%Y-%m-%d}" if day else values["name"]
    )
    event = Event(**model_values(Event, values))
    try:
        event = create_record(record=event, user=user, m2m={"hosts": hosts})
    except ValidationError as error:
        raise refused(error, ("event", None)) from None
    except EditorialRefusal as refusal:
        raise IntakeRefused(refusal.message, part=("event", None), field=refusal.field) from None
    created.append(event)
    return event
