from django import template
from django.utils.safestring import SafeString

from campaign_site.generic.ledger import format_quantity

register = template.Library()


@register.filter
def qty(value):
    """A Decimal quantity without trailing zeros and never as an exponent ("100", "2.5")."""
    return "" if value is None or value == "" else format_quantity(value)


@register.simple_tag
def ledger_months(ledger):
    """The general ledger's month rows of one chemical (month, opening, in, out, balance), written in
    Python: a year of twenty chemicals is 240 rows, ~100 µs each through the template's variables
    and filters. Dates and quantities are digits, so nothing needs escaping."""
    cell = '<td class="text-end text-nowrap">'
    return SafeString("".join(
        f'<tr><td class="text-nowrap">{m.month:%Y-%m}</td>{cell}{format_quantity(m.opening)}</td>'
        f"{cell}{format_quantity(m.received)}</td>{cell}{format_quantity(m.issued)}</td>"
        f"{cell}{format_quantity(m.closing)}</td></tr>"
        for m in ledger.months))
