"""Reads of the order-form builder, shared by its views and the home page."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from orders.models import OrderForm, OrderFormVersion, Question


def forms_for_builder() -> QuerySet[OrderForm]:
    """Every form with its versions (newest first) and their question counts."""
    versions = (
        OrderFormVersion.objects.annotate(question_count=Count("questions"))
        .select_related("published_by")
        .order_by("-number")
    )
    return OrderForm.objects.prefetch_related(Prefetch("versions", queryset=versions))


def form_by_slug(slug: str) -> OrderForm:
    return get_object_or_404(forms_for_builder(), slug=slug)


def version_by_number(slug: str, number: int) -> OrderFormVersion:
    """One version with its form and questions (each with its discipline)."""
    questions = Question.objects.select_related("discipline").order_by("position", "pk")
    return get_object_or_404(
        OrderFormVersion.objects.select_related(
            "form", "created_by", "published_by"
        ).prefetch_related(Prefetch("questions", queryset=questions)),
        form__slug=slug,
        number=number,
    )


def drafts_in_progress() -> QuerySet[OrderFormVersion]:
    """Draft versions being edited, most recently started first."""
    return (
        OrderFormVersion.objects.filter(status=OrderFormVersion.Status.DRAFT)
        .select_related("form", "created_by")
        .annotate(question_count=Count("questions"))
        .order_by("-created_at")
    )
