"""CAS Registry Numbers: format and check digit.

A CAS number is 2–7 digits, a hyphen, 2 digits, a hyphen and one check digit. The check digit is
the sum of the other digits, each multiplied by its position counted from the right (1, 2, 3 …),
modulo 10: for 7647-01-0, (1·1 + 0·2 + 7·3 + 4·4 + 6·5 + 7·6) mod 10 = 0.
"""
from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit(body: str) -> int:
    """The check digit of the digits before the last hyphen (hyphens ignored)."""
    digits = body.replace("-", "")[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10


def normalize_cas(value: str) -> str:
    """Full-width digits and dashes to ASCII, spaces removed ("７６４７－０１－０" -> "7647-01-0")."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return re.sub(r"\s+", "", text).replace("–", "-").replace("—", "-").replace("－", "-")


def cas_error(value: str) -> str | None:
    """None when `value` is a valid CAS number, else a message saying what is wrong."""
    m = CAS_RE.match(value or "")
    if not m:
        return _("“%(cas)s” is not a CAS number: it is written like 7647-01-0 (digits, hyphen, two digits, "
                 "hyphen, one check digit).") % {"cas": value}
    expected = cas_check_digit(m.group(1) + m.group(2))
    if expected != int(m.group(3)):
        return _("“%(cas)s” is not a valid CAS number: its check digit should be %(digit)s. Please check the "
                 "number against the supplier's label.") % {"cas": value, "digit": expected}
    return None


def is_valid_cas(value: str) -> bool:
    return cas_error(normalize_cas(value)) is None


def validate_cas(value: str) -> None:
    """Django field validator."""
    message = cas_error(value)
    if message:
        raise ValidationError(message, code="invalid_cas")
