"""Instances loaded with LeanLoading.from_db are the ones Django's own from_db builds."""

import pytest
from django.db import models
from django.db.models.signals import post_init
from django.test.utils import isolate_apps

from statements.models import Person, Statement
from statements.models.loading import _plain

from .factories import StatementFactory

pytestmark = pytest.mark.django_db


def django_built(queryset):
    """The queryset's rows, built by Django's Model.from_db instead."""
    original = models.Model.from_db.__func__

    def from_db(cls, db, field_names, values):
        return original(cls, db, field_names, values)

    with pytest.MonkeyPatch.context() as patch:
        for model in (Statement, Person):
            patch.setattr(model, "from_db", classmethod(from_db))
        return list(queryset)


def attributes(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}


@pytest.mark.parametrize(
    "shape",
    [
        lambda rows: rows,
        lambda rows: rows.only("text", "said_on", "speaker__name"),
        lambda rows: rows.defer("context", "speaker__summary"),
    ],
    ids=["all columns", "only", "defer"],
)
def test_the_same_attributes_as_django_builds(shape):
    StatementFactory.create_batch(3)
    rows = shape(Statement.objects.select_related("speaker").order_by("pk"))

    lean, built = list(rows.all()), django_built(rows.all())

    assert [attributes(s) for s in lean] == [attributes(s) for s in built]
    assert [attributes(s.speaker) for s in lean] == [attributes(s.speaker) for s in built]
    assert all(not s._state.adding and s._state.db == "default" for s in lean)
    assert [s.get_deferred_fields() for s in lean] == [s.get_deferred_fields() for s in built]


def test_a_deferred_column_loads_when_used_and_a_save_writes_it():
    statement = StatementFactory(context="At the town hall.")
    loaded = Statement.objects.only("text").get(pk=statement.pk)
    assert "context" in loaded.get_deferred_fields()

    assert loaded.context == "At the town hall."
    loaded.text = "Changed words."
    loaded.save(update_fields=["text"])

    assert Statement.objects.get(pk=statement.pk).text == "Changed words."
    assert loaded == statement and hash(loaded) == hash(statement)


def test_a_listener_to_the_init_signals_gets_django_s_own_loading():
    statement = StatementFactory()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(listener, sender=Statement)
    try:
        Statement.objects.get(pk=statement.pk)
    finally:
        post_init.disconnect(listener, sender=Statement)

    assert seen == [statement.pk]


@isolate_apps("statements")
def test_a_model_with_a_descriptor_that_does_more_is_not_plain():
    assert _plain(Statement) and _plain(Person)

    class WithAFile(models.Model):
        document = models.FileField()

        class Meta:
            app_label = "statements"

        def __str__(self):
            return self.document.name

    assert not _plain(WithAFile)
