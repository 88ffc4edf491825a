"""Pages of the communication log, notices, notice templates and the catalog."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST, require_safe

from communications import claim_selectors, notices, outbound, selectors, services
from communications.forms import (
    AttachmentForm,
    CommunicationFilterForm,
    CommunicationForm,
    FollowUpForm,
    NoticeFilterForm,
    NoticeTemplateForm,
    OfferingForm,
)
from communications.models import (
    Communication,
    CommunicationAttachment,
    NoticeKind,
    NoticeTemplate,
    Offering,
    OutboundNotice,
)
from orderreview import idempotency
from orderreview.downloads import file_download
from orderreview.forms import form_errors_add
from orderreview.pagination import keyset_page, requested_token
from orderreview.roles import (
    AUDITORS,
    CUSTOMER_READERS,
    CUSTOMER_SERVICE,
    FORM_ADMIN,
    ORDER_OPENERS,
    has_role,
    role_required,
)
from orders.models import Order


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


# --- the log ---------------------------------------------------------------------


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def communication_list(request: HttpRequest) -> HttpResponse:
    form = CommunicationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = keyset_page(
        selectors.communications_filtered(filters),
        token=requested_token(request),
        size=selectors.PAGE_SIZE,
    )
    selectors.links_filled(page.rows)
    return render(
        request,
        "communications/communication_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@role_required(CUSTOMER_SERVICE)
def communication_create(request: HttpRequest) -> HttpResponse:
    if replayed := idempotency.replayed_url(request):
        return redirect(replayed)
    if request.method == "POST":
        form = CommunicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data

            def create() -> str:
                communication = services.communication_record(
                    customer=data["customer"],
                    order=data["order"],
                    direction=data["direction"],
                    channel=data["channel"],
                    kind=data["kind"],
                    subject=data["subject"],
                    body=data["body"],
                    occurred_at=data["occurred_at"],
                    recorded_by=request.user,
                    attachment=data["attachment"],
                )
                messages.success(request, "The communication is on file.")
                return communication.get_absolute_url()

            try:
                return redirect(idempotency.once(request, create))
            except ValidationError as error:
                form_errors_add(form, error)
    elif request.method == "GET":
        form = CommunicationForm(initial=_create_initial(request))
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "communications/communication_form.html", {"form": form})


def _create_initial(request: HttpRequest) -> dict:
    """Pre-fill from the customer or order page's "record" link."""
    initial: dict = {}
    # PostgreSQL refuses NUL in text: such a link pre-fills nothing.
    number = request.GET.get("order", "").replace("\x00", "")[:30]
    order = Order.objects.filter(number=number).first() if number else None
    if order is not None:
        initial.update(order=order.number, customer=order.customer_id)
    elif request.GET.get("customer", "").isdigit():
        initial["customer"] = int(request.GET["customer"])
    return initial


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        communication = selectors.communication_detail(pk)
    except Communication.DoesNotExist:
        raise Http404 from None
    follow_up_form = FollowUpForm(initial={"resolution": communication.resolution})
    return _detail_page(request, communication, follow_up_form, AttachmentForm())


def _detail_page(
    request: HttpRequest,
    communication: Communication,
    follow_up_form: FollowUpForm,
    attachment_form: AttachmentForm,
) -> HttpResponse:
    """The communication page; links to its customer and order only for those who
    may open them (the customer page admits fewer roles than the order page)."""
    return render(
        request,
        "communications/communication_detail.html",
        {
            "communication": communication,
            "follow_up_form": follow_up_form,
            "attachment_form": attachment_form,
            "received_ago": received_ago(communication.occurred_at),
            "can_open_customer": has_role(request.user, *CUSTOMER_READERS),
            "can_open_order": has_role(request.user, *ORDER_OPENERS),
        },
    )


def received_ago(when: datetime) -> str:
    """ "just now" or "3 days ago": a follow-up's age as a person says it."""
    if timezone.now() - when < timedelta(minutes=1):
        return "just now"
    return f"{timesince(when, depth=1)} ago"


@require_POST
@role_required(CUSTOMER_SERVICE)
def communication_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    communication = get_object_or_404(Communication, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.communication_follow_up(
                communication=communication,
                state=form.cleaned_data["state"],
                resolution=form.cleaned_data["resolution"],
                user=request.user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Follow-up updated.")
            return redirect(communication)
    communication = selectors.communication_detail(pk)
    return _detail_page(request, communication, form, AttachmentForm())


@require_POST
@role_required(CUSTOMER_SERVICE)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    communication = get_object_or_404(Communication, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                communication=communication,
                upload=form.cleaned_data["attachment"],
                user=request.user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "The file is attached.")
            return redirect(communication)
    communication = selectors.communication_detail(pk)
    return _detail_page(request, communication, FollowUpForm(), form)


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(CommunicationAttachment, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    return file_download(
        handle, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- the catalog -----------------------------------------------------------------


@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    """Public on purpose: ISO 9001 8.2.1 a, customers learn what we offer."""
    offerings = list(selectors.offerings_public())
    company_claims = claim_selectors.offerings_with_claims(
        offerings, timezone.localdate()
    )
    return render(
        request,
        "communications/catalog.html",
        {"offerings": offerings, "company_claims": company_claims},
    )


@require_safe
@role_required(FORM_ADMIN, read_only=AUDITORS)
def offering_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "communications/offering_list.html",
        {"offerings": selectors.offerings_all()},
    )


@role_required(FORM_ADMIN)
def offering_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    offering = get_object_or_404(Offering, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = OfferingForm(request.POST, instance=offering)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.offering_save(
                    offering=offering,
                    name=data["name"],
                    description=data["description"],
                    order_form=data["order_form"],
                    active=data["active"],
                    position=data["position"],
                    statutory_requirements=data["statutory_requirements"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, f"Offering “{data['name']}” saved.")
                return redirect("communications:offering_list")
    elif request.method == "GET":
        form = OfferingForm(instance=offering)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "communications/offering_form.html",
        {"form": form, "offering": offering},
    )


# --- notice templates ------------------------------------------------------------


@require_safe
@role_required(FORM_ADMIN, read_only=AUDITORS)
def template_list(request: HttpRequest) -> HttpResponse:
    stored = {template.kind: template for template in NoticeTemplate.objects.all()}
    templates = [
        stored.get(kind) or services.notice_template_for(kind) for kind in NoticeKind
    ]
    return render(
        request, "communications/template_list.html", {"templates": templates}
    )


@role_required(FORM_ADMIN, read_only=AUDITORS)
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in NoticeKind.values:
        raise Http404
    template = services.notice_template_for(kind)
    preview = None
    if request.method == "POST":
        form = NoticeTemplateForm(request.POST, instance=template)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "preview" in request.POST:
                    subject, body = notices.validate_template(
                        kind=kind, subject=data["subject"], body=data["body"]
                    )
                    preview = {"subject": subject, "body": body}
                else:
                    services.notice_template_save(
                        template=template,
                        subject=data["subject"],
                        body=data["body"],
                        user=request.user,
                    )
                    messages.success(request, "Template saved.")
                    return redirect("communications:template_edit", kind=kind)
            except ValidationError as error:
                form_errors_add(form, error)
    elif request.method in ("GET", "HEAD"):
        form = NoticeTemplateForm(instance=template)
        try:
            subject, body = notices.validate_template(
                kind=kind, subject=template.subject, body=template.body
            )
            preview = {"subject": subject, "body": body}
        except ValidationError as error:
            # A template stored before today's rules: show why it will not send.
            form = NoticeTemplateForm(
                {"subject": template.subject, "body": template.body},
                instance=template,
            )
            form.is_valid()
            form_errors_add(form, error)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "communications/template_form.html",
        {
            "form": form,
            "template": template,
            "preview": preview,
            "context_help": notices.CONTEXT_HELP,
            "can_edit": has_role(request.user, FORM_ADMIN),
        },
    )


# --- outbound notices ------------------------------------------------------------


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def notice_list(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = keyset_page(
        selectors.notices_filtered(status),
        token=requested_token(request),
        size=selectors.PAGE_SIZE,
    )
    return render(
        request,
        "communications/notice_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        OutboundNotice.objects.select_related(
            "order", "customer", "communication", "cancelled_by"
        ),
        pk=pk,
    )
    return render(request, "communications/notice_detail.html", {"notice": notice})


@require_POST
@role_required(CUSTOMER_SERVICE)
def notice_retry(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(OutboundNotice, pk=pk)
    try:
        outbound.notice_retry(notice=notice, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The notice is being sent again.")
    return redirect(_next_or(request, notice.get_absolute_url(), notice))


@require_POST
@role_required(CUSTOMER_SERVICE)
def notice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(OutboundNotice, pk=pk)
    try:
        outbound.notice_cancel(notice=notice, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The notice is cancelled and will not be sent.")
    return redirect(_next_or(request, notice.get_absolute_url()))


def _next_or(
    request: HttpRequest, default: str, notice: OutboundNotice | None = None
) -> str:
    """Back to the queue or the notice's order page when the button was there;
    never anywhere else (no open redirect)."""
    target = request.POST.get("next", "")
    allowed = {reverse("communications:notice_list")}
    if notice is not None:
        allowed.add(notice.order.get_absolute_url())
    if target in allowed:
        return target
    return default
