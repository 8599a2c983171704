"""Tags of the printable labels: a GHS pictogram as a small inline SVG."""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chemicals.models import GHSPictogram

register = template.Library()


def _font_size(text: str) -> int:
    """Largest font (in the 100-unit box) at which `text` fits across the diamond's middle."""
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text) or 1
    return max(9, min(22, int(72 / width)))

# What each pictogram warns of, short enough to sit inside the red diamond.
GHS_SHORT = {
    "GHS01": _("Explosive"),
    "GHS02": _("Flammable"),
    "GHS03": _("Oxidiser"),
    "GHS04": _("Gas"),
    "GHS05": _("Corrosive"),
    "GHS06": _("Toxic"),
    "GHS07": _("Harmful"),
    "GHS08": _("Health"),
    "GHS09": _("Environment"),
}


@register.simple_tag
def ghs_pictogram(code):
    """The GHS frame (a red diamond on white) with the pictogram's number and what it warns of;
    its full name as the title. Drawn inline: no image file, no request, prints in colour or grey."""
    if code not in GHSPictogram.values:
        return ""
    name = GHSPictogram(code).label
    return format_html(
        '<svg class="ghs" viewBox="0 0 100 100" role="img" aria-label="{name}" data-ghs="{code}">'
        "<title>{name}</title>"
        '<polygon points="50,4 96,50 50,96 4,50" fill="#fff" stroke="#e00" stroke-width="7"/>'
        '<text x="50" y="50" text-anchor="middle" font-size="{fs}" font-weight="bold">{short}</text>'
        '<text x="50" y="72" text-anchor="middle" font-size="13">{code}</text></svg>',
        name=name, code=code, short=GHS_SHORT[code], fs=_font_size(str(GHS_SHORT[code])))
