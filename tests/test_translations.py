"""The Chinese catalogue covers every user-facing string of the code and templates.

makemessages runs over a mirror of the source tree (symlinks, no `locale/` folder) and writes
into a temporary copy of the catalogue, so a string added without a translation fails here and
the real catalogue is never touched. (Run from the project root, makemessages would write into
the real `locale/` whatever LOCALE_PATHS says, and check a copy it never updated.)"""
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SKIP = {"locale", ".venv", "node_modules", "var", "tests", "bench", ".git", "static"}


def test_every_string_has_a_chinese_translation(tmp_path, monkeypatch):
    mirror = tmp_path / "src"
    mirror.mkdir()
    for entry in BASE.iterdir():
        if entry.name not in SKIP and (entry.is_dir() or entry.suffix == ".py"):
            (mirror / entry.name).symlink_to(entry)
    out = tmp_path / "out"
    target = out / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    before = PO.read_bytes()
    monkeypatch.chdir(mirror)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [out])
    call_command("makemessages", locale=["zh_Hans"], symlinks=True, verbosity=0)
    assert PO.read_bytes() == before, "makemessages wrote into the real catalogue"
    catalogue = polib.pofile(str(target / "django.po"))
    assert len(catalogue) > 500, "makemessages found no strings: the mirror is wrong"
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings have no Chinese translation (run `make messages`): {missing[:20]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:20]}"
