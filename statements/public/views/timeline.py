"""/people/<slug>/timeline.svg, /topics/<slug>/timeline.svg, /races/<slug>/timeline.svg:
the timeline charts as files of their own (``?download=1`` to save one)."""

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

from ...models import Person, Race, Topic
from ...reading import timeline_data, visibility
from ...reading.races import public_candidacies
from ...reading.redirects import redirect_for
from ...reading.timeline import DENSITY, Chart, draw
from ...reading.tree import TopicTree


def svg_response(request: HttpRequest, chart: Chart, name: str) -> HttpResponse:
    base = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(
        draw(chart, base=base, standalone=True), content_type="image/svg+xml; charset=utf-8"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}-timeline.svg"'
    return response


def or_redirect(model: type[Model], request: HttpRequest, slug: str, url_name: str):
    found = redirect_for(
        model,  # type: ignore[arg-type]
        slug,
        url_name=f"statements:{url_name}",
        query_string=request.META.get("QUERY_STRING", ""),
    )
    if found is None:
        raise Http404("Nothing published at that address.")
    return found


def person_timeline(request, slug):
    try:
        person = (
            visibility.people()
            .annotate(statement_count=timeline_data.capped_count())
            .get(slug=slug)
        )
    except Person.DoesNotExist:
        return or_redirect(Person, request, slug, "person-timeline")
    many = person.statement_count > DENSITY
    chart = timeline_data.person_chart(person, many, TopicTree.load())
    return svg_response(request, chart, person.slug)


def topic_timeline(request, slug):
    tree = TopicTree.load()
    topic = tree.by_slug.get(slug)
    if topic is None:
        return or_redirect(Topic, request, slug, "topic-timeline")
    many = tree.statement_counts().get(topic.pk, 0) > DENSITY
    return svg_response(request, timeline_data.topic_chart(topic, tree, many), topic.slug)


def race_timeline(request, slug):
    try:
        race = (
            visibility.races()
            .select_related("election")
            .prefetch_related(
                public_candidacies(statement_count=timeline_data.capped_count("person_id"))
            )
            .get(slug=slug)
        )
    except Race.DoesNotExist:
        return or_redirect(Race, request, slug, "race-timeline")
    people = [candidacy.person for candidacy in race.public_candidacies]
    counts = [candidacy.statement_count for candidacy in race.public_candidacies]
    chart = timeline_data.race_chart(race, people, counts, TopicTree.load())
    return svg_response(request, chart, race.slug)
