"""Which models carry history, and how each one hangs off an order.

Everything here is derived from the app registry, so models that other apps add later
are covered without touching this module.
"""

from collections import deque
from functools import cache

from django.apps import apps
from django.db import models

from orders.models import Order

# The apps whose every model must carry django-simple-history.
TRACKED_APPS = (
    "orderreview",
    "orders",
    "requirements",
    "reviews",
    "communications",
    "audit",
    "webhooks",
)

# Fields shown as the object's name in the timeline, first match wins.
LABEL_FIELDS = ("number", "username", "account_code", "key", "slug", "name", "subject")


def is_historical(model: type[models.Model]) -> bool:
    """A model simple-history generated (HistoricalOrder and friends)."""
    return hasattr(model, "instance_type") and hasattr(model, "tracked_fields")


def has_history(model: type[models.Model]) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


@cache
def history_model(model: type[models.Model]) -> type[models.Model]:
    """The historical model of a tracked model. Cached: simple-history's descriptor
    builds a manager class on every access (a third of a timeline page's time)."""
    return getattr(model, model._meta.simple_history_manager_attribute).model


@cache
def tracked_models() -> tuple[type[models.Model], ...]:
    """Every tracked model of our apps, in a stable order (by label)."""
    found = []
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models():
            if not is_historical(model) and has_history(model):
                found.append(model)
    return tuple(sorted(found, key=lambda m: m._meta.label_lower))


def model_by_label(label: str) -> type[models.Model] | None:
    """The tracked model named app_label.modelname, or None."""
    for model in tracked_models():
        if model._meta.label_lower == label:
            return model
    return None


def label_field(model: type[models.Model]) -> str | None:
    """A text field naming an object of this model, for the timeline."""
    names = {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField)
    }
    return next((name for name in LABEL_FIELDS if name in names), None)


def _order_model() -> type[models.Model]:
    return Order


@cache
def order_path(model: type[models.Model]) -> tuple[models.Field, ...] | None:
    """The foreign keys leading from model to its order, shortest first found.

    () for the order itself, None when the model does not belong to an order
    (customers, order forms, users).
    """
    target = _order_model()
    if model is target:
        return ()
    tracked = set(tracked_models())
    seen = {model}
    queue: deque[tuple[type[models.Model], tuple[models.Field, ...]]] = deque(
        [(model, ())]
    )
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            related = field.related_model
            if related is target:
                return (*path, field)
            if related in tracked and related not in seen:
                seen.add(related)
                queue.append((related, (*path, field)))
    return None
