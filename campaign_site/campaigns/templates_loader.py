"""The shipped campaign templates (seed_templates/*.json) loaded as Campaign(is_template=True).

Idempotent: every row is updated in place by its natural key (template slug; phase order;
deadline kind + Chinese name; requirement code; focus area code; check item number), so running
it again after a change of the JSON corrects the rows and never duplicates them.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from campaign_site.generic.services import model_update

from .models import Campaign, CampaignStatus, CheckItem, Deadline, FocusArea, Phase, Requirement

TEMPLATE_DIR = Path(__file__).resolve().parent / "seed_templates"


def template_files() -> list[Path]:
    return sorted(TEMPLATE_DIR.glob("*.json"))


def read_template(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _d(value):
    return date.fromisoformat(value) if value else None


def build_plan_text(campaign: Campaign) -> str:
    """The bureau's plan as one Chinese text (title, summary, duties, deadlines, requirements,
    focus areas and every check item): what a school must not copy."""
    lines = [campaign.title, campaign.summary]
    for phase in campaign.phases.all():
        lines.append(phase.name)
        lines.extend(d.get("zh", "") for d in phase.duties or [])
    for deadline in campaign.deadlines.all():
        lines.extend([deadline.name, deadline.note])
    lines.extend(r.text for r in campaign.requirements.all())
    for area in campaign.focus_areas.prefetch_related("items"):
        lines.append(area.name)
        lines.extend(f"{item.number}. {item.text}" for item in area.items.all())
    return "\n".join(line for line in lines if line)


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    model_update(instance=obj, data=values, reason="campaign template reloaded")
    return obj, False


@transaction.atomic
def template_load(data: dict) -> tuple[Campaign, bool]:
    campaign, created = _upsert(
        Campaign,
        {"slug": data["slug"], "is_template": True},
        {
            "issuer_name": data.get("issuer_zh", ""),
            "issuer_name_en": data.get("issuer_en", ""),
            "document_number": data.get("document_number", ""),
            "parent_document": data.get("parent_document", ""),
            "title": data["title_zh"],
            "title_en": data.get("title_en", ""),
            "summary": data.get("summary_zh", ""),
            "summary_en": data.get("summary_en", ""),
            "start": _d(data["start"]),
            "end": _d(data["end"]),
            "status": CampaignStatus.DRAFT,
        },
    )
    for p in data.get("phases", []):
        _upsert(Phase, {"campaign": campaign, "order": p["order"]}, {
            "kind": p["kind"], "name": p["name_zh"], "name_en": p.get("name_en", ""),
            "start": _d(p["start"]), "end": _d(p["end"]), "duties": p.get("duties", []),
        })
    for dl in data.get("deadlines", []):
        _upsert(Deadline, {"campaign": campaign, "kind": dl["kind"], "name": dl["name_zh"]}, {
            "name_en": dl.get("name_en", ""), "date": _d(dl.get("date")), "day_of_month": dl.get("day_of_month"),
            "note": dl.get("note_zh", ""), "note_en": dl.get("note_en", ""),
        })
    for r in data.get("requirements", []):
        _upsert(Requirement, {"campaign": campaign, "code": r["code"]}, {"text": r["zh"], "text_en": r.get("en", "")})
    for a in data.get("focus_areas", []):
        area, _new = _upsert(FocusArea, {"campaign": campaign, "code": a["code"]}, {
            "order": a["order"], "name": a["name_zh"], "name_en": a.get("name_en", ""),
        })
        for position, item in enumerate(a.get("items", []), start=1):
            _upsert(CheckItem, {"focus_area": area, "number": item["number"]}, {
                "order": position, "text": item["text_zh"], "text_en": item.get("text_en", ""),
            })
    plan_text = build_plan_text(campaign)
    if campaign.plan_text != plan_text:
        campaign.plan_text = plan_text
        campaign.save(update_fields=["plan_text"])
    return campaign, created


def templates_load_all() -> list[tuple[Campaign, bool]]:
    return [template_load(read_template(path)) for path in template_files()]
