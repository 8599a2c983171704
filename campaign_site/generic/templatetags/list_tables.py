"""`{% list_table table %}`: a django-tables2 table rendered in the page's own context, its rows
through the table's render plan (generic/tables.py) instead of django-tables2's per-cell template.

`{% render_table %}` renders the table template in a fresh RequestContext, which runs every
context processor (and their queries) a second time for the same page; this tag does not."""
from django import template
from django.template.loader import get_template, select_template

from ..tables import rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def list_table(context, table, template_name=None):
    template_name = template_name or table.template_name
    found = get_template(template_name) if isinstance(template_name, str) else select_template(template_name)
    table.context = context
    try:
        table.before_render(context.get("request"))
        with context.push(table=table):
            return found.template.render(context)
    finally:
        del table.context


@register.simple_tag
def table_rows(table):
    """The `<tr>` rows of the table's current page (empty when there are none)."""
    return rows_html(table)


@register.simple_tag
def filter_field(field):
    """A filter form field as crispy's bootstrap5 `|as_crispy_field` writes it, without its
    template machinery (about 2–3 ms a field); widgets it does not cover go through crispy."""
    from ..formrender import crispy_field_html

    return crispy_field_html(field)
