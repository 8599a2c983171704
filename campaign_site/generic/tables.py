"""Base table for every list, and the row renderer every list page and export uses.

Declarations stay django-tables2's (a `Table` class per model: columns, ordering, `render_<name>`,
`value_<name>`, `linkify`, `Meta.attrs`/`row_attrs`); on a phone only the columns named in
`Meta.phone_columns` show (the others stay in the desktop view and in exports).

What renders them is `TablePlan`: django-tables2 works out, for every cell, how to read the value
(a fresh `Accessor`, `get_field`, `get_FOO_display`), which arguments the render function takes
(`inspect.signature`), the cell's HTML attributes (dict copies, class sets) and renders date
columns by compiling a template — about 5 ms a row of 14 columns. The plan does that work once
per table and column, then renders each row with plain Python; the output is the same markup as
django-tables2's templates (tests/generic/test_table_rendering.py compares them on every list).
Anything the fast paths do not cover (a callable accessor, callable cell attributes, a custom
column class) goes through django-tables2's own code for that column, so it stays correct.
Cells are fresh `str`s, so they are wrapped in `SafeString(text)` directly: what `mark_safe(text)`
returns for them, without its lazy-argument wrapper (~0.4 µs a cell).
"""
from __future__ import annotations

import datetime
import re
from functools import partialmethod
from html import escape as html_escape

import django_tables2 as tables
from django.conf import settings
from django.db.models import Model
from django.template.defaultfilters import date as date_filter
from django.templatetags.l10n import localize as localize_filter
from django.templatetags.l10n import unlocalize as unlocalize_filter
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, is_naive, localdate, template_localtime
from django.utils.translation import get_language
from django_tables2.columns.base import Column, LinkTransform
from django_tables2.columns.booleancolumn import BooleanColumn
from django_tables2.columns.datecolumn import DateColumn
from django_tables2.columns.datetimecolumn import DateTimeColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.columns.templatecolumn import TemplateColumn
from django_tables2.rows import BoundPinnedRow, BoundRow
from django_tables2.utils import Accessor, AttributeDict, signature

from .choices import choice_label, labels_for
from .links import pinned, reverse

WIDE_ONLY = "d-none d-md-table-cell"


class Table(tables.Table):
    class Meta:
        phone_columns: tuple = ()

    @cached_property
    def today(self) -> datetime.date:
        """The local date, read once per table: cells that compare a date with today use it."""
        return localdate()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(getattr(self.Meta, "phone_columns", ()) or ())
        if not keep:
            return
        for bound in self.columns:
            if bound.name in keep:
                continue
            attrs = bound.column.attrs
            for part in ("th", "td"):
                cell = dict(attrs.get(part, {}))
                classes = cell.get("class", "")
                if WIDE_ONLY not in classes:
                    cell["class"] = f"{classes} {WIDE_ONLY}".strip()
                attrs[part] = cell


# --- rendering ---------------------------------------------------------------------------------

CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
_DATE_TEMPLATE = re.compile(r'^\{\{ value\|date:"([^"]*)"\|default:default \}\}$')
_MISSING = object()

# Date formats written with plain formatting (what Django's dateformat writes for these letters).
_DATE_PARTS = {"Y": "{0.year:04d}", "m": "{0.month:02d}", "d": "{0.day:02d}", "H": "{0.hour:02d}",
               "i": "{0.minute:02d}", "s": "{0.second:02d}"}
_DATE_LITERALS = set("-:/. ")


def _date_formatter(fmt: str):
    """A `str.format` template writing `fmt` like Django's date filter, or None for formats with
    other letters (names of months, localized parts, escapes)."""
    if not fmt or any(c not in _DATE_PARTS and c not in _DATE_LITERALS for c in fmt):
        return None
    return "".join(_DATE_PARTS.get(c, c) for c in fmt).format, bool(set(fmt) & set("His"))


def _escape(value) -> SafeString:
    """`conditional_escape` without its lazy-argument wrapper for the common types (str, safe str)."""
    cls = type(value)
    if cls is SafeString:
        return value
    if cls is str:
        return SafeString(html_escape(value))  # what django.utils.html.escape returns
    return conditional_escape(value)


def render_value(value) -> str:
    """What `{{ value }}` writes in a template (local time, localized, escaped)."""
    cls = type(value)
    if cls is SafeString:
        return value
    if cls is str:
        return SafeString(html_escape(value))
    if cls is int and not settings.USE_THOUSAND_SEPARATOR:
        return SafeString(str(value))  # what localize() writes for an int when numbers are not grouped
    if isinstance(value, Model):  # a related record: localize() and template_localtime() pass it through
        text = str(value)
        return text.__html__() if hasattr(text, "__html__") else SafeString(html_escape(text))
    value = localize(template_localtime(value))
    if not isinstance(value, str):
        value = str(value)
    return conditional_escape(value)


def badge(text, style: str = "secondary", **attrs) -> SafeString:
    """`<span class="badge text-bg-STYLE">text</span>`, the pill every list shows a state with (what
    `format_html` writes, without its per-argument machinery); `data_testid="x"` writes
    `data-testid="x"` after the class."""
    extra = "".join(f' {name.replace("_", "-")}="{_escape(str(value))}"' for name, value in attrs.items())
    return SafeString(f'<span class="badge text-bg-{style}"{extra}>{_escape(text)}</span>')


def link(href, text, css: str = "") -> SafeString:
    """`<a href="href">text</a>` with both escaped: what `format_html('<a href="{}">{}</a>', href, text)`
    writes, without its per-argument machinery (a record's link in a cell); `css` adds a class."""
    if css:
        return SafeString(f'<a class="{_escape(css)}" href="{_escape(href)}">{_escape(text)}</a>')
    return SafeString(f'<a href="{_escape(href)}">{_escape(text)}</a>')


def _has_callable(attrs) -> bool:
    for value in attrs.values():
        if callable(value) or (isinstance(value, dict) and _has_callable(value)):
            return True
    return False


_signatures: dict = {}


def _signature(fn):
    """django-tables2's `signature(fn)`, read once per function (bound methods share theirs)."""
    key = getattr(fn, "__func__", fn)
    found = _signatures.get(key)
    if found is None:
        found = _signatures[key] = signature(fn)
    return found


def _caller(fn):
    """`call_with_appropriate(fn, kwargs)` with the signature read once: returns f(available)."""
    args, kwargs_name = _signature(fn)
    if kwargs_name:
        return lambda available: fn(**available)
    if any(arg not in CELL_ARGUMENTS for arg in args):
        return lambda available: None  # django-tables2 never calls it: an argument it cannot give
    args = tuple(args)
    if not args:
        return lambda available: fn()
    if len(args) == 1:
        only = args[0]
        return lambda available: fn(**{only: available[only]})
    return lambda available: fn(**{arg: available[arg] for arg in args})


def _is(bound_method, function) -> bool:
    return getattr(bound_method, "__func__", None) is function


class _Absent(ValueError):
    """A record without the accessor's attribute (cell_value shows the column's default)."""


class _Resolver:
    """`Accessor.resolve` for model records, with the path split once; anything else (dicts,
    lists, a failing lookup) goes through django-tables2's own resolve so errors stay the same."""

    __slots__ = ("accessor", "bits", "args", "kwargs", "lacking")

    def __init__(self, accessor: Accessor):
        self.accessor = accessor
        self.bits = tuple(accessor.bits)
        self.args = accessor.callable_args
        self.kwargs = accessor.callable_kwargs
        # Model classes without the first attribute at all (a computed column such as "flags"):
        # their records fail the same way every row, so the failure is raised without the lookup.
        self.lacking = set()

    def __call__(self, record):
        first = self.bits[0] if self.bits else None
        if type(record) in self.lacking and first not in record.__dict__:
            raise _Absent  # Accessor.resolve raises ValueError for it, after building its message
        current = record
        for bit in self.bits:
            if not isinstance(current, Model):
                return self.accessor.resolve(record)
            try:
                current = getattr(current, bit)
            except AttributeError:
                if current is record and not hasattr(type(record), bit):
                    self.lacking.add(type(record))
                return self.accessor.resolve(record)
            if callable(current):
                if getattr(current, "alters_data", False):
                    return self.accessor.resolve(record)  # raises the refusal
                if not getattr(current, "do_not_call_in_templates", False):
                    current = current(*self.args, **self.kwargs)
            if current is None:
                break
        return current


class ColumnPlan:
    """How one column reads, renders and exports its cells, worked out once per table."""

    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.name = bound_column.name
        column = self.column = bound_column.column
        accessor = bound_column.accessor
        self.empty_values = column.empty_values
        self.is_m2m = isinstance(column, ManyToManyColumn)
        self.is_link_column = isinstance(column, BaseLinkColumn)
        self.localize = column.localize
        self._default = _MISSING if callable(column._default) else bound_column.default

        # The value: the accessor split once; choices read per record class (get_FOO_display).
        self.generic = not (isinstance(accessor, Accessor) and type(accessor) is Accessor) or accessor == ""
        if not self.generic:
            self.resolve = _Resolver(accessor)
            path, _sep, self.remainder = accessor.rpartition(accessor.SEPARATOR)
            self.penultimate = _Resolver(Accessor(path))
            self.display_name = f"get_{self.remainder}_display"
            self._choices_by_class = {}
            self._display_by_class = {}

        # The cell's <td>: the same for every row unless an attribute is computed per cell.
        attrs = dict(table.attrs)
        attrs.update(dict(column.attrs))
        td = attrs.get("td", attrs.get("cell", {}))
        self.td_open = None if _has_callable(td) else mark_safe(f"<td {bound_column.attrs['td'].as_html()}>")

        # The content.
        render = bound_column.render
        self.render_kind = "call"
        if _is(render, Column.render) and type(column).render is Column.render:
            self.render_kind = "plain"
        elif (isinstance(column, TemplateColumn) and _is(render, type(column).render)
              and type(column).render is TemplateColumn.render and not column.extra_context
              and _DATE_TEMPLATE.match(column.template_code or "")):
            self.render_kind = "date"
            self.date_format = _DATE_TEMPLATE.match(column.template_code).group(1)
            self.date_fast = _date_formatter(self.date_format)
            self.timezone = get_current_timezone() if settings.USE_TZ else None
            if isinstance(column, DateTimeColumn):  # what DateTimeColumn.value / DateColumn.value write
                self.date_type, self.date_iso = datetime.datetime, lambda v: v.isoformat(sep=" ")
            else:
                self.date_type, self.date_iso = datetime.date, lambda v: v.isoformat()
        elif (isinstance(column, BooleanColumn) and _is(render, type(column).render)
              and type(column).render is BooleanColumn.render
              and type(column)._get_bool_value is BooleanColumn._get_bool_value
              and not _has_callable(column.attrs.get("span", {}))):
            self.render_kind = "bool"
            self.bool_html = {}
            for flag in (True, False):
                span = {"class": str(flag).lower()}
                span.update(column.attrs.get("span", {}))
                self.bool_html[flag] = mark_safe(
                    f"<span {AttributeDict(span).as_html()}>{escape(column.yesno[int(not flag)])}</span>")
        self.render_call = _caller(render)

        # The link around the content (linkify): record.get_absolute_url() read once per row.
        link = bound_column.link
        self.link = link
        self.link_fast = (isinstance(link, LinkTransform) and type(link) is LinkTransform and link.url is None
                          and link.reverse_args.get("viewname") is None and not _has_callable(link.attrs or {})
                          and "href" not in (link.attrs or {}))
        viewname = link.reverse_args.get("viewname") if isinstance(link, LinkTransform) else None
        self.link_reverse = (isinstance(link, LinkTransform) and type(link) is LinkTransform and link.url is None
                             and isinstance(viewname, str) and set(link.reverse_args) <= {"viewname", "args", "kwargs"}
                             and not _has_callable(link.attrs or {}) and "href" not in (link.attrs or {}))
        self.link_url = None  # linkify=callable(record...): the callable, asked per row
        if (isinstance(link, LinkTransform) and type(link) is LinkTransform and callable(link.url)
                and not link.reverse_args and not _has_callable(link.attrs or {}) and "href" not in (link.attrs or {})):
            self.link_fast = True
            self.link_url = _caller(link.url)
        if self.link_reverse:
            self.link_fast = True
            args, kwargs = link.reverse_args.get("args"), link.reverse_args.get("kwargs")
            self.reverse_args = [_Resolver(a) if isinstance(a, Accessor) else a for a in args] if args else None
            self.reverse_kwargs = ({k: _Resolver(v) if isinstance(v, Accessor) else v for k, v in kwargs.items()}
                                   if kwargs else None)
            self.viewname = viewname
        if self.link_fast:
            static = AttributeDict(link.attrs or {}).as_html()
            self.link_prefix = f"<a {static} href=\"" if static else "<a href=\""
            target = link.accessor if link.accessor is not None else bound_column.name
            self.link_target = _Resolver(Accessor(target))

        # The export value: value_<name>, else render_<name>, else column.value.
        value_fn = bound_column.value
        if _is(value_fn, Column.value) and type(column).render is Column.render:
            self.export_kind = "plain"
        elif self.render_kind in ("date", "bool") and _is(value_fn, type(column).value) and type(column).value in (
                DateColumn.value, DateTimeColumn.value, BooleanColumn.value):
            self.export_kind = self.render_kind
        else:
            self.export_kind = "call"
        self.value_call = _caller(value_fn)

    # -- value ---------------------------------------------------------------------------------

    @property
    def default(self):
        return self.bound_column.default if self._default is _MISSING else self._default

    def _uses_display(self, record) -> bool:
        cls = type(record)
        found = self._choices_by_class.get(cls)
        if found is None:
            field = self.bound_column.accessor.get_field(cls) if hasattr(cls, "_meta") else None
            found = self._choices_by_class[cls] = bool(getattr(field, "choices", ()))
        return found

    def _display_for(self, cls):
        """`obj.get_FOO_display()` for instances of `cls`, as a plain function of the instance
        (generic/choices.py: the labels are translated once per field and language). None if
        `cls` has no such method."""
        found = self._display_by_class.get(cls, _MISSING)
        if found is not _MISSING:
            return found
        name = self.display_name
        method = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
        if isinstance(method, partialmethod) and method.func in (Model._get_FIELD_display, choice_label):
            field = method.keywords["field"]
            labels, attname = labels_for(field), field.attname  # a plan is made for one language

            def found(obj):
                try:
                    return labels[getattr(obj, attname)]
                except (KeyError, TypeError):
                    return choice_label(obj, field)
        elif getattr(cls, name, None) is not None:
            def found(obj):
                return getattr(obj, name)()
        else:
            found = None
        self._display_by_class[cls] = found
        return found

    def cell_value(self, record):
        """The value django-tables2's `_get_and_render_with` passes to render (or _MISSING for the
        default, or `None` with `no_value` for a link column whose accessor failed)."""
        if self.generic:
            return _MISSING
        value = None
        remainder = True
        if self._uses_display(record):
            penultimate = self._penultimate(record)
            if isinstance(penultimate, Model):
                display = self._display_for(type(penultimate))
                if display is not None:
                    value = display(penultimate)
                    remainder = False
        if remainder:
            try:
                value = self.resolve(record)
            except Exception:
                if self.is_link_column and self.column.text is not None:
                    raise _NoValue from None
                value = None
        if value in self.empty_values or (self.is_m2m and not value.exists()):
            raise _Empty
        return value

    def _penultimate(self, record):
        try:
            return self.penultimate(record)
        except Exception:
            return None

    # -- html ----------------------------------------------------------------------------------

    def content(self, row, record, urls):
        """The cell as `row.get_cell(name)` returns it: rendered content, link included."""
        try:
            value = self.cell_value(record)
        except _Empty:
            return self.default
        except _NoValue:
            return row._call_render(self.bound_column)
        if value is _MISSING:
            return row.get_cell(self.name)
        kind = self.render_kind
        if kind == "plain":
            content = value
        elif kind == "date":
            cls = type(value)
            if cls is datetime.date and self.date_format == "Y-m-d":
                content = SafeString(value.isoformat())  # what the date filter writes for "Y-m-d"
            elif self.date_fast is not None and (cls is datetime.datetime or (cls is datetime.date
                                                                             and not self.date_fast[1])):
                if (cls is datetime.datetime and self.timezone is not None and not is_naive(value)
                        and getattr(value, "convert_to_local_time", True)):
                    value = value.astimezone(self.timezone)  # template_localtime
                content = SafeString(self.date_fast[0](value))
            else:
                content = mark_safe(render_value(date_filter(template_localtime(value), self.date_format)
                                                 or self.default))
        elif kind == "bool" and not self._uses_display(record):
            content = self.bool_html[bool(value)]
        else:
            content = self.render_call({
                "value": value, "record": record, "column": self.column, "bound_column": self.bound_column,
                "bound_row": row, "table": self.table,
            })
        if self.link is not None:
            content = self._linked(content, row, record, value, urls)
        return content

    def html(self, content) -> str:
        """What the cell template writes for `content` (`{{ cell }}`, `|localize` or `|unlocalize`)."""
        if self.localize is None:
            return render_value(content)
        return render_value(localize_filter(content) if self.localize else unlocalize_filter(content))

    def _linked(self, content, row, record, value, urls):
        if not self.link_fast:
            return self.link(content, value=value, record=record, column=self.column,
                             bound_column=self.bound_column, bound_row=row, table=self.table)
        if self.link_url is not None:
            href = self.link_url({"value": value, "record": record, "column": self.column,
                                  "bound_column": self.bound_column, "bound_row": row, "table": self.table})
            if href is None:
                return content
            return SafeString(f"{self.link_prefix}{_escape(href)}\">{_escape(content)}</a>")
        if self.link_reverse:
            href = reverse(self.viewname,
                           args=[a(record) if isinstance(a, _Resolver) else a for a in self.reverse_args]
                           if self.reverse_args else None,
                           kwargs={k: v(record) if isinstance(v, _Resolver) else v
                                   for k, v in self.reverse_kwargs.items()} if self.reverse_kwargs else None)
            return SafeString(f"{self.link_prefix}{_escape(href)}\">{_escape(content)}</a>")
        target = self.link_target(record)
        if not hasattr(target, "get_absolute_url"):
            if not hasattr(record, "get_absolute_url"):
                raise TypeError(f"for linkify=True, '{target}' must have a method get_absolute_url")
            target = record
        href = urls.get(id(target), _MISSING)
        if href is _MISSING:
            href = urls[id(target)] = target.get_absolute_url()
        if href is None:
            return content
        return SafeString(f"{self.link_prefix}{_escape(href)}\">{_escape(content)}</a>")

    def td(self, row, record, urls) -> str:
        content = self.content(row, record, urls)
        if self.td_open is not None:
            return f"{self.td_open}{self.html(content)}</td>"
        bc = self.bound_column
        bc.current_value, bc.current_record = content, record
        return f"<td {bc.attrs['td'].as_html()}>{self.html(content)}</td>"

    # -- export --------------------------------------------------------------------------------

    def export_value(self, row, record):
        """What `row.get_cell_value(name)` returns (value_<name>, render_<name> or column.value)."""
        try:
            value = self.cell_value(record)
        except _Empty:
            return None
        except _NoValue:
            return self.value_call({"value": None, "record": record, "column": self.column,
                                    "bound_column": self.bound_column, "bound_row": row, "table": self.table})
        if value is _MISSING:
            return row.get_cell_value(self.name)
        kind = self.export_kind
        if kind == "plain":
            return value
        if kind == "date" and isinstance(value, self.date_type):
            return self.date_iso(value)
        if kind == "bool" and not self._uses_display(record):
            return str(bool(value))
        return self.value_call({"value": value, "record": record, "column": self.column,
                                "bound_column": self.bound_column, "bound_row": row, "table": self.table})


class _Empty(Exception):
    """The cell's value is empty: the column's default is shown."""


class _NoValue(Exception):
    """A link column whose accessor failed: rendered without a value (django-tables2 #257)."""


class TablePlan:
    """The plan of one bound table: its visible columns and its row attributes."""

    def __init__(self, table):
        self.table = table
        self.columns = [ColumnPlan(table, bc) for bc in table.columns]
        row_attrs = dict(table.row_attrs)
        self.row_attr_callers = {k: _caller(v) if callable(v) else None for k, v in row_attrs.items()}
        self.row_attrs = row_attrs
        self.row_attrs_plain = not any(isinstance(v, dict) for v in row_attrs.values())

    def columns_for(self, bound_columns):
        by_name = {p.name: p for p in self.columns}
        return [by_name.get(bc.name) or ColumnPlan(self.table, bc) for bc in bound_columns]

    def tr_open(self, row) -> str:
        css = row.get_even_odd_css_class()
        if not self.row_attrs:
            return f'<tr class="{css}">'
        if not self.row_attrs_plain:
            return f"<tr {row.attrs.as_html()}>"
        available = {"table": self.table, "record": row.record}
        attrs = {}
        for key, value in self.row_attrs.items():
            call = self.row_attr_callers[key]
            attrs[key] = call(available) if call is not None else value
        attrs["class"] = f"{attrs['class']} {css}" if attrs.get("class") else css
        # AttributeDict.as_html(): callables called, None and the th/td/... keys left out
        parts = []
        for key, value in attrs.items():
            if callable(value):
                value = value()
            if key not in AttributeDict.blacklist and value is not None:
                parts.append(f'{_escape(key)}="{_escape(value)}"')
        return f"<tr {' '.join(parts)}>"

    def rows_html(self, rows) -> SafeString:
        with pinned():
            return self._rows_html(rows)

    def _rows_html(self, rows) -> SafeString:
        out = []
        columns = self.columns
        for row in rows:
            if isinstance(row, BoundPinnedRow):
                out.append(self._pinned_html(row))
                continue
            record = row.record
            urls = {}
            out.append(self.tr_open(row))
            for plan in columns:
                out.append(plan.td(row, record, urls))
            out.append("</tr>\n")
        return mark_safe("".join(out))

    def _pinned_html(self, row) -> str:
        by_name = {p.name: p for p in self.columns}
        cells = "".join(f"<td {bc.attrs['td'].as_html()}>{by_name[bc.name].html(cell)}</td>"
                        for bc, cell in row.items())
        return f"<tr {row.attrs.as_html()}>{cells}</tr>\n"

    def values(self, columns):
        """Export rows: one list of cell values per record (all rows, no pagination)."""
        plans = self.columns_for(columns)
        for row in self.table.rows:
            record = row.record
            yield [plan.export_value(row, record) for plan in plans]


def plan_for(table) -> TablePlan:
    """The table's plan for the current language and time zone (labels and local times are
    worked out once per plan)."""
    key = (get_language(), get_current_timezone())
    plan = getattr(table, "_render_plan", None)
    if plan is None or plan.key != key:
        plan = table._render_plan = TablePlan(table)
        plan.key = key
    return plan


def rows_html(table) -> SafeString:
    """The `<tr>` rows of the table's current page (all rows when it is not paginated)."""
    return plan_for(table).rows_html(table.paginated_rows)


__all__ = ["WIDE_ONLY", "BoundRow", "Table", "badge", "link", "TablePlan", "plan_for", "rows_html", "render_value"]
