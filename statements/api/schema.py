"""OpenAPI helpers: how filter parameters and choice fields are described."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list


class StrictFilterExtension(DjangoFilterExtension):
    """Describe a filter that names records by a field (``to_field_name``, e.g. a slug)
    by that field of the queryset's model: ``speaker`` takes Person slugs, strings."""

    target_class = "statements.api.filters.StrictFilterBackend"
    match_subclasses = True
    priority = 1

    def _get_schema_from_model_field(self, auto_schema, filter_field, model):
        to_field = filter_field.extra.get("to_field_name")
        queryset = filter_field.extra.get("queryset")
        if to_field and queryset is not None and hasattr(queryset, "model"):
            target = queryset.model._meta.get_field(to_field)
            return auto_schema._map_model_field(target, direction=None)
        return super()._get_schema_from_model_field(auto_schema, filter_field, model)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """A choice field as a reference to one named enum component (QuoteKind, EventKind…),
    so that the same choices get the same name everywhere and different ones never
    collide under a shared field name such as ``kind``."""

    target_class = "statements.api.fields.NamedChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": list(field.choices),
                "description": build_choice_description_list(field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
