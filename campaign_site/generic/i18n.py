"""Records that carry their own text in Chinese and English (`name` + `name_en`)."""
from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """The English text when the UI is English and it exists, the Chinese text otherwise."""
    if (get_language() or "").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)
