from django import template

from campaign_site.generic.ledger import format_quantity

register = template.Library()


@register.filter
def qty(value):
    """A Decimal quantity without trailing zeros and never as an exponent ("100", "2.5")."""
    return "" if value is None or value == "" else format_quantity(value)
