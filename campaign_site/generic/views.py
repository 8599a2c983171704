"""Generic views every app declares its pages with.

    class HazardListView(ObjectListView):
        model = Hazard
        table_class = HazardTable
        filterset_class = HazardFilterSet

Scoping is applied here, once: every queryset is `model.objects.visible_to(request.user)`, so an
object of another organisation answers 404 exactly like a missing one.

Role rules are declared once per view as `permission = <predicate(user, obj)>` (see
generic/permissions.py): list and create pages ask it with obj None, detail and edit pages with the
object after the scoped lookup; False answers 403. A list's "New" button asks the predicate of the
view behind `create_url_name`, so the button and the page never disagree.
"""
from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from .audit import audit_hidden_lookup, audit_record
from .errors import DomainError
from .export import table_response
from .filtersets import no_filters
from .importing import import_job_start, runs_in_background
from .limits import file_limit
from .models import AuditResult, ImportJob
from .permissions import allows


def view_class_for(url_name: str):
    """The class-based view behind a URL name without arguments (cached)."""
    cls = _VIEW_CLASSES.get(url_name)
    if cls is None:
        from django.urls import resolve

        func = resolve(reverse(url_name)).func
        cls = getattr(func, "view_class", None)
        _VIEW_CLASSES[url_name] = cls
    return cls


_VIEW_CLASSES: dict = {}


class CountlessPaginator(LazyPaginator):
    """Pages without COUNT(*): shows "next" while there are more rows."""

    lazy = True


class ScopedViewMixin(LoginRequiredMixin):
    """Login required; the queryset is limited to what the user may see."""

    model = None
    queryset = None
    select_related: tuple = ()
    title = ""
    # predicate(user, obj) -> bool from <app>/permissions.py; None lets every logged-in user in
    # (scoping still applies). Pages without an object in the URL ask it with obj None.
    permission = None

    def allows(self, obj=None) -> bool:
        return allows(type(self).permission, self.request.user, obj)

    def get_permission_object(self):
        """What a page without an object in its URL asks the permission about (None: "somewhere";
        e.g. request.organisation for records made at the user's current organisation)."""
        return None

    def has_permission(self) -> bool:
        """Entering a page without an object in its URL; 403 if False."""
        return self.allows(self.get_permission_object())

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_permission():
            raise PermissionDenied
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            self.audit_hidden_object()
            raise

    def audit_hidden_object(self):
        """A 404 on a record that exists in another organisation goes to the security audit log."""
        pk = self.kwargs.get("pk")
        if pk is not None and self.model is not None and self.request.user.is_authenticated:
            audit_hidden_lookup(self.request, self.get_base_queryset(), {"pk": pk})

    def get_base_queryset(self):
        qs = self.queryset if self.queryset is not None else self.model._default_manager.all()
        qs = qs.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def get_queryset(self):
        return self.get_base_queryset().visible_to(self.request.user)

    def get_title(self):
        return self.title or self.model._meta.verbose_name_plural

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.get_title())
        ctx["model_meta"] = self.model._meta if self.model else None
        return ctx


class ObjectListView(ScopedViewMixin, SingleTableMixin, FilterView):
    """Filter form, sortable table, pagination and `?export=xlsx|csv` of the visible columns."""

    template_name = "generic/object_list.html"
    paginate_by = 25
    filterset_class = None  # None: no filter form (never one generated from the model's fields)
    filterset_fields = ()
    table_class = None
    export_formats = ("xlsx", "csv")
    create_url_name = None
    import_url_name = None
    empty_text = ""

    # Lists that grow to millions of rows (the hazard register) skip the exact COUNT(*) per page
    # (lazy_count) and load their summary counts after the page (lazy_summary, htmx).
    lazy_count = False
    lazy_summary = False

    def get_filterset_class(self):
        # django-filter's FilterView would build a FilterSet of every model field when there is no
        # filterset_class: unscoped drop-downs of every organisation and person in the database.
        if self.filterset_class is not None:
            return self.filterset_class
        return no_filters(self.model)

    def get_paginate_by(self, queryset):
        return None  # django-tables2 paginates the table; ListView must not paginate (and count) again

    def get_table_pagination(self, table):
        per_page = self.request.GET.get("per_page")
        options = {"per_page": self.paginate_by}
        if per_page and per_page.isdigit():
            options["per_page"] = max(1, min(int(per_page), 200))
        if self.lazy_count:
            options["paginator_class"] = CountlessPaginator
        return options

    def get_table_kwargs(self):
        return {"empty_text": self.empty_text or _("Nothing here yet.")}

    def can_create(self) -> bool:
        """The "New" button: asks the create page's own `permission` (never a second rule here)."""
        if not self.create_url_name:
            return False
        view_class = view_class_for(self.create_url_name)
        if view_class is None:
            return True
        view = view_class()
        view.setup(self.request)
        return view.has_permission()

    def get_summary(self, queryset):
        """Counts shown above the table (e.g. hazards by status); None for none."""
        return None

    @property
    def has_summary(self) -> bool:
        return type(self).get_summary is not ObjectListView.get_summary

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in self.export_formats:
            return self.export(fmt)
        if request.GET.get("_summary") and self.has_summary:
            return render(request, "generic/_summary.html", {"summary": self.get_summary(self.filtered_queryset())})
        return super().get(request, *args, **kwargs)

    def filtered_queryset(self):
        filterset = self.get_filterset(self.get_filterset_class())
        return filterset.qs if filterset.is_valid() else self.get_queryset().none()

    # A synchronous export beyond this many rows would tie up a web worker for minutes: the
    # user is asked to narrow the filter instead (one school, a date range, a status).
    export_max_rows = 20000

    def export(self, fmt):
        qs = self.filtered_queryset()
        total = qs.count()
        if total > self.export_max_rows:
            messages.error(self.request, _(
                "%(count)s rows match: too many to export at once (at most %(max)s). "
                "Narrow the filter, e.g. to one school or a date range, and export again."
            ) % {"count": f"{total:,}", "max": f"{self.export_max_rows:,}"})
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        table = self.get_table_class()(qs, request=self.request, **self.get_table_kwargs())
        if self.request.GET.get("sort"):
            table.order_by = self.request.GET["sort"]
        query = self.request.GET.copy()
        query.pop("export", None)
        audit_record("export", request=self.request, detail=_("%(list)s, %(format)s, %(count)s rows%(filter)s") % {
            "list": self.get_title(), "format": fmt, "count": total,
            "filter": f" ({query.urlencode()})" if query else ""})
        return table_response(table, fmt, self.get_export_filename(), title=str(self.get_title()))

    def get_export_filename(self):
        return str(self.model._meta.verbose_name_plural)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["create_url_name"] = self.create_url_name if self.can_create() else None
        ctx["import_url_name"] = self.import_url_name
        ctx["export_formats"] = self.export_formats
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        ctx["querystring"] = query.urlencode()
        if self.has_summary and self.lazy_summary:
            ctx["summary_url"] = "?" + (query.urlencode() + "&" if query else "") + "_summary=1"
        elif self.has_summary:
            ctx["summary"] = self.get_summary(ctx["filter"].qs)
        return ctx


def detail_value(value):
    """A record page's value as people read it. A tick box reads 是/否, not True/False. A moment is
    shown in the site's time zone: it is stored in UTC and the template's linebreaksbr would print
    it as "2026-11-30 22:50:40+00:00" (the evening before, for a 06:50 departure). Seconds only
    when there are any (a trip leaves at 06:50, a speeding episode starts at 06:50:40)."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return value


class ObjectDetailView(ScopedViewMixin, DetailView):
    """One record: its fields, transitions timeline, attachments and history.

    A record with a `workflow` and a `step_url_name` (its TransitionView, `<pk>/step/<name>/`) lists
    the steps the user may take now as `steps` (`Workflow.available_for`: the transitions' own
    predicates decide), each with its `url`; templates/generic/_steps.html shows them as buttons. A
    page whose steps have a URL each (`as_view(action=...)`) overrides `step_url` instead.
    """

    template_name = "generic/object_detail.html"
    detail_fields: tuple = ()
    show_history = True
    workflow = None
    step_url_name = ""

    def has_permission(self) -> bool:
        return True  # asked with the object in get_object

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.allows(obj):
            raise PermissionDenied
        return obj

    def get_detail_rows(self):
        obj = self.object
        rows = []
        for name in self.detail_fields:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name)
            rows.append((field.verbose_name, detail_value(value)))
        return rows

    def step_url(self, name: str) -> str:
        return reverse(self.step_url_name, args=[self.object.pk, name])

    @property
    def has_steps(self) -> bool:
        return bool(self.step_url_name) or type(self).step_url is not ObjectDetailView.step_url

    def get_steps(self):
        """The buttons of the steps the user may take on the record now, each linking to its step."""
        steps = self.workflow.available_for(self.request.user, self.object)
        for step in steps:
            step.url = self.step_url(step.name)
        return steps

    def get_context_data(self, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        from .attachments import attachments_for
        from .workflow import transitions_for

        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx["title"] = str(obj)
        ctx["detail_rows"] = self.get_detail_rows()
        ctx["attachments"] = attachments_for(obj)
        ctx["attach_ct"] = ContentType.objects.get_for_model(obj).pk
        can_attach = getattr(obj, "can_attach", None)
        ctx["can_attach"] = can_attach(self.request.user) if can_attach else False
        timeline = list(transitions_for(obj))
        try:
            labels = dict(obj._meta.get_field("status").choices or ())
        except FieldDoesNotExist:
            labels = {}
        for t in timeline:
            t.to_label = self.workflow.entry_label(t, labels) if self.workflow else labels.get(t.to_state, t.to_state)
            t.from_label = labels.get(t.from_state, t.from_state) if t.from_state != t.to_state else ""
        ctx["timeline"] = timeline
        if self.has_steps:
            ctx["steps"] = self.get_steps()
        if self.show_history and hasattr(self.object, "history"):
            ctx["history"] = self.object.history.select_related("history_user")[:50]
        return ctx


class ObjectFormMixin(ScopedViewMixin):
    """Forms receive `user` so their choice fields can be scoped (ScopedFormMixin)."""

    template_name = "generic/object_form.html"
    form_class = None
    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = self.perform_save(form)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def perform_save(self, form):
        """Save through the app's service and return the saved object. Every form view declares
        it: a silent `form.save()` would be a second write path around the service's rules."""
        raise NotImplementedError(
            f"{type(self).__name__} must define perform_save() and call the app's service")

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectCreateView(ObjectFormMixin, FormView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New %(model)s") % {"model": self.model._meta.verbose_name}
        return ctx


class ObjectEditView(ObjectFormMixin, FormView):
    """Edit an object the user may see; `permission(user, obj)` decides further (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.object = self.get_object()
        except Http404:
            self.audit_hidden_object()
            raise
        if not self.allows(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return True  # asked with the object in dispatch

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist as exc:
            raise Http404 from exc

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        if not kwargs.get("initial"):
            # FormView passes initial={}; a form that fills its initial values from the record
            # (`kwargs.setdefault("initial", ...)`) must see none, or the edit page opens empty.
            kwargs.pop("initial", None)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(object)s") % {"object": self.object}
        ctx["object"] = self.object
        return ctx


class ObjectActionView(ObjectEditView):
    """A form about an object the user may see (the URL's pk) that is not that object's own form:
    book a movement on a container, reverse an entry, add a department under an organisation. The
    form gets no `instance` (and, with `plain_form`, no `user`: a plain django Form); the page is
    titled `title_format % {"object": obj}` when it is set."""

    title_format = ""
    plain_form = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        if self.plain_form:
            kwargs.pop("user", None)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.title_format:
            ctx["title"] = self.title_format % {"object": self.object}
        return ctx


class ImportView(LoginRequiredMixin, FormView):
    """Upload -> preview (every row, its errors) -> confirm. All rows or none.

    The uploaded file is kept under MEDIA_ROOT/imports/ between preview and confirm, named by a
    random token held in the session, so the confirm step imports exactly what was previewed.
    """

    importer_class = None
    template_name = "generic/import.html"
    success_url_name = None
    upload_max_bytes = file_limit("IMPORT_MAX_BYTES")  # refused before the body is read (limits.py)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.importer_class.can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):

        from .forms import UploadForm

        options = self.importer_class.options_form_class
        if options is None:
            return UploadForm
        return type("ImportForm", (UploadForm, options), {})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.importer_class.options_form_class is not None:
            kwargs["user"] = self.request.user
        return kwargs

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            import io

            from django.http import HttpResponse
            from django.utils.encoding import escape_uri_path

            from .export import XLSX_MIME

            buf = io.BytesIO()
            self.importer_class(user=request.user).write_template(buf)
            response = HttpResponse(buf.getvalue(), content_type=XLSX_MIME)
            name = f"{self.importer_class.template_filename}.xlsx"
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
            return response
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        token = request.POST.get("confirm_token")
        if token:
            return self.confirm(token)
        return super().post(request, *args, **kwargs)

    def _store(self, upload) -> str:
        import secrets

        from django.core.files.storage import default_storage

        token = secrets.token_hex(16)
        upload.seek(0)
        path = default_storage.save(f"imports/{self.request.user.pk}/{token}", upload)
        self.request.session[f"import:{token}"] = path
        return token

    def _options(self, form) -> dict:
        return {k: v for k, v in form.cleaned_data.items() if k != "file"}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        options = self._options(form)
        importer = self.importer_class(user=self.request.user, options=options)
        result = importer.run(upload, dry_run=True)
        token = self._store(upload) if result.ok else ""
        if token:
            self.request.session[f"import:{token}:options"] = {
                k: (v.pk if hasattr(v, "pk") else v) for k, v in options.items()
            }
            self.request.session[f"import:{token}:rows"] = len(result.rows)
        return self.render_to_response(self.get_context_data(
            form=form, result=result, token=token, in_background=runs_in_background(len(result.rows))))

    def confirm(self, token):
        from django.core.files.storage import default_storage

        path = self.request.session.pop(f"import:{token}", None)
        raw_options = self.request.session.pop(f"import:{token}:options", {})
        rows = self.request.session.pop(f"import:{token}:rows", 0)
        if not path or not default_storage.exists(path):
            messages.error(self.request, _("The preview has expired. Please upload the file again."))
            return redirect(self.request.path)
        if runs_in_background(rows):
            # Too long for the request: a Celery task checks and writes it; its page shows the progress.
            job = import_job_start(importer_class=self.importer_class, user=self.request.user,
                                   organisation=getattr(self.request, "organisation", None), path=path,
                                   options=raw_options, rows_total=rows, result_url=self.get_success_url())
            return redirect(job.get_absolute_url())
        form = self.get_form_class()(data=None, **{k: v for k, v in self.get_form_kwargs().items() if k == "user"})
        options = self.importer_class.restore_options(raw_options, user=self.request.user) \
            if hasattr(self.importer_class, "restore_options") else raw_options
        importer = self.importer_class(user=self.request.user, options=options)
        with default_storage.open(path, "rb") as fh:
            result = importer.run(fh, dry_run=False)
        default_storage.delete(path)
        if not result.saved:
            audit_record("import", request=self.request, result=AuditResult.FAILURE,
                         detail=f"{self.importer_class.title}: {_('nothing imported')}")
            return self.render_to_response(self.get_context_data(form=form, result=result, token=""))
        audit_record("import", request=self.request,
                     detail=_("%(title)s: %(count)d rows") % {"title": self.importer_class.title, "count": result.saved})
        return self.imported(importer, result)

    def imported(self, importer, result):
        """The answer to an import done in the request."""
        messages.success(self.request, _("Imported %(count)d rows.") % {"count": result.saved})
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["importer"] = self.importer_class
        ctx["title"] = self.importer_class.title
        ctx["columns"] = self.importer_class.columns
        return ctx


class ImportJobView(LoginRequiredMixin, DetailView):
    """A background import's progress (htmx polls the fragment until it ends), then its result.
    Only the person who started it sees it (404 for everyone else). What the importer keeps for
    showing once (initial passwords) is erased from the job as soon as it has been shown."""

    model = ImportJob

    template_name = "generic/import_job.html"
    fragment_template = "generic/_import_job.html"
    context_object_name = "job"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return [self.fragment_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        from .importing import importer_for_key

        ctx = super().get_context_data(**kwargs)
        job = self.object
        ctx["title"] = job.title
        if job.is_finished and job.secret:
            ctx["secret"] = job.secret
            ctx["secret_template"] = getattr(importer_for_key(job.importer), "secret_template", "")
            type(job).objects.filter(pk=job.pk).update(secret=[])
        return ctx


class TransitionView(ScopedViewMixin, View):
    """One step of a workflow: GET shows the transition's form, POST calls its service.

        path("<int:pk>/step/<slug:action>/", HazardStepView.as_view(), name="hazard_action")

        class HazardStepView(TransitionView):
            model = Hazard
            workflow = HAZARD_FLOW
            summary_template = "hazards/_hazard_summary.html"   # shown beside the form

    The object is looked up scoped to the user (another organisation's: 404). `permission` (the
    view's own) answers 403 for people who may not take any step here; a step that is not open now
    (another status, another person's step) sends the user back to the object with a warning. A
    refusal by the service (DomainError) is shown on the form. The action may also be fixed in the
    URL conf (`as_view(action="accept")`) or come from the pressed button of a form on the object's
    page (`<button name="action" value="accept">`, one URL for several steps).

    `errors_on_object_page = True` is for steps whose small forms live on the object's own page (a
    checklist item, a review box): a refusal or an invalid form comes back there as a message
    instead of a separate form page.
    """

    workflow = None
    action = None
    template_name = "generic/transition_form.html"
    summary_template = ""
    errors_on_object_page = False

    def has_permission(self) -> bool:
        return True  # asked with the object in dispatch

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist as exc:
            raise Http404 from exc

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.allows(self.object):
            raise PermissionDenied
        name = self.action or kwargs.get("action") or (request.POST.get("action") if request.method == "POST" else "")
        if not name and request.method != "POST":
            return redirect(self.get_success_url())  # a form URL without its step: the object's page
        transition = self.workflow.transitions.get(name) if name else None
        if transition is None or not transition.is_button:
            raise Http404
        self.transition = transition
        if not self.workflow.is_open(self.object, name) or (
                request.method != "POST" and not transition.allows(request.user, self.object)):
            # Not this user's step now: say so on the object's page rather than offer a form the
            # service would refuse. (A POST by someone the predicate refuses goes on to the
            # service, whose message says why.)
            messages.warning(request, _("“%(step)s” is not open to you at this stage.")
                             % {"step": transition.button_label(self.object)})
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        form_class = self.transition.form_class() or forms.Form
        kwargs = self.transition.form_kwargs(self.object, self.request.user, self.workflow.subject)
        if data is None:
            kwargs["initial"] = self.transition.initial_for(self.object)
        return form_class(data, files, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.refuse(form)
        data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
        try:
            with transaction.atomic():
                result = self.workflow.run(self.transition.name, self.object, actor=request.user, data=data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.refuse(form)
        message = self.transition.message(result)
        if message:
            messages.success(request, message)
        return redirect(self.get_success_url(result))

    def refuse(self, form):
        """The form again with its errors, or (errors_on_object_page) the errors on the object's page."""
        if not self.errors_on_object_page:
            return self.render(form)
        messages.error(self.request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self.get_success_url())

    def get_success_url(self, result=None):
        url = self.object.get_absolute_url()
        transition = getattr(self, "transition", None)
        return url + (transition.fragment(result) if transition is not None else "")

    def get_title(self):
        return f"{self.transition.button_label(self.object)} · {self.object}"

    def render(self, form):
        return render(self.request, self.template_name, {
            "object": self.object, "form": form, "transition": self.transition, "action": self.transition.name,
            "action_title": self.transition.button_label(self.object), "title": self.get_title(),
            "summary_template": self.summary_template, "cancel_url": self.get_success_url(),
        })
