"""The Chinese catalogue covers every user-facing string of the code and templates.

makemessages is run into a temporary copy of the catalogue, so a string added without a
translation fails here (not only strings already in the catalogue)."""
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation(tmp_path, monkeypatch):
    target = tmp_path / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    monkeypatch.chdir(settings.BASE_DIR)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path])
    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=[".venv", "node_modules", "var", "tests",
                                                                      "bench"], verbosity=0)
    catalogue = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings have no Chinese translation (run `make messages`): {missing[:20]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:20]}"
