"""The bureau's monthly circular (通报): drafted from the records for a bureau, campaign and month —
overall progress from the submitted reports' frozen figures, rankings, who reported on time, late
or not at all, overdue and listed major hazards, accountability made public and the typical cases
the bureau chose — stored as content (the page) and as a Word document in the official layout.

    draft_circular(bureau=, campaign=, month=)   # drafts, or replaces the month's draft
    circular_approve / circular_publish           # CIRCULAR_FLOW's services

Drafting again replaces the draft; an approved or published circular is never replaced (the
service refuses, and one circular per bureau, campaign and month is a database constraint).
The document is always written in the site's language (Chinese): it is an official document.
"""
from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaign_site.accounts.models import Organisation, Role
from campaign_site.accounts.permissions import SCHOOL_SAFETY_ROLES
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.campaigns.selectors import Timeliness
from campaign_site.generic import notices
from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update
from hazards.selectors import circular_hazards, public_accountability

from . import permissions, selectors
from .models import CIRCULAR_FLOW, Circular, CircularStatus, ItemKind, MonthlyReport, ReportItem, ReportStatus
from .statistics import month_after

NUMERALS = "一二三四五六七八九十"
RANKED = 5  # schools named at the top and at the bottom of the ranking
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def _day(day: datetime.date) -> str:
    return _("%(month)s/%(day)s/%(year)s") % {"year": day.year, "month": day.month, "day": day.day}


def _month(month: datetime.date) -> str:
    return _("%(month)s/%(year)s") % {"year": month.year, "month": month.month}


def _names(schools) -> str:
    return pgettext("list separator", ", ").join(s for s in schools)


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sum(reports, *keys) -> float | int:
    total = 0
    for report in reports:
        for key in keys:
            total += report.figures.get(key) or 0
    return round(total, 2) if isinstance(total, float) else total


# ---- content -------------------------------------------------------------------------------------


def build_content(bureau: Organisation, campaign: Campaign, month: datetime.date, *, today: datetime.date,
                  now=None) -> dict:
    """The circular's title and body from the records, in the active language."""
    after = month_after(month)
    schools = list(selectors.overview(campaign, month, None, now=now).filter(path__startswith=bureau.path)
                   .only("pk", "name", "path"))
    reports = {r.organisation_id: r for r in MonthlyReport.objects.filter(
        campaign=campaign, month=month, organisation__path__startswith=bureau.path, status__in=COUNTED,
        figures__isnull=False).only("pk", "organisation_id", "figures", "status")}
    by_timeliness: dict[str, list[str]] = {t: [] for t, _label in Timeliness.choices}
    for school in schools:
        by_timeliness[school.timeliness].append(school.name)
    counted = list(reports.values())
    month_label = _month(month)
    sections = []

    # 一、overall progress
    progress = [
        _("%(total)s schools take part in the campaign. For %(month)s, %(submitted)s submitted their monthly "
          "report (%(on_time)s on time, %(late)s late), %(missing)s did not report and %(not_due)s are not yet due.")
        % {"total": len(schools), "month": month_label, "submitted": len(by_timeliness[Timeliness.ON_TIME])
           + len(by_timeliness[Timeliness.LATE]), "on_time": len(by_timeliness[Timeliness.ON_TIME]),
           "late": len(by_timeliness[Timeliness.LATE]), "missing": len(by_timeliness[Timeliness.MISSING]),
           "not_due": len(by_timeliness[Timeliness.NOT_DUE])},
    ]
    if counted:
        progress.append(
            _("The %(n)s reports received count %(inspections)s inspections (%(leader)s led by school leaders), "
              "%(found)s hazards found (%(major)s major), %(rectified)s rectified this month with %(funds)s yuan "
              "spent, %(open)s still open, of which %(overdue)s past their deadline and %(listed)s under listed "
              "supervision; %(trainings)s trainings (%(trained)s participants) and %(drills)s emergency drills "
              "(%(drilled)s participants) were held.")
            % {"n": len(counted),
               "inspections": _sum(counted, "inspections_self", "inspections_leader", "inspections_bureau",
                                   "inspections_lookback"),
               "leader": _sum(counted, "inspections_leader"),
               "found": _sum(counted, "hazards_general", "hazards_major"), "major": _sum(counted, "hazards_major"),
               "rectified": _sum(counted, "hazards_rectified"), "funds": _number(_sum(counted, "funds")),
               "open": _sum(counted, "hazards_open"), "overdue": _sum(counted, "hazards_overdue"),
               "listed": _sum(counted, "hazards_listed"), "trainings": _sum(counted, "trainings"),
               "trained": _sum(counted, "training_participants"), "drills": _sum(counted, "drills"),
               "drilled": _sum(counted, "drill_participants")})
    else:
        progress.append(_("No monthly report for %(month)s has been submitted yet.") % {"month": month_label})
    sections.append((_("Overall progress"), progress))

    # 二、rankings
    names = {s.pk: s.name for s in schools}
    rated = sorted(((r.figures["rectification_rate"], names.get(r.organisation_id, "")) for r in counted
                    if r.figures.get("rectification_rate") is not None), key=lambda x: (-x[0], x[1]))
    ranking = []
    if rated:
        top = rated[:RANKED]
        ranking.append(_("Highest rectification rates since the campaign began: %(schools)s.")
                       % {"schools": _names(_("%(school)s (%(rate)s%%)") % {"school": n, "rate": _number(r)}
                                            for r, n in top)})
        bottom = [x for x in rated[len(top):]][-RANKED:]
        if bottom:
            ranking.append(_("Lowest rectification rates: %(schools)s. These schools must speed up rectification.")
                           % {"schools": _names(_("%(school)s (%(rate)s%%)") % {"school": n, "rate": _number(r)}
                                                for r, n in reversed(bottom))})
    else:
        ranking.append(_("No submitted report gives a rectification rate yet."))
    overdue_by_school = sorted(((r.figures.get("hazards_overdue") or 0, names.get(r.organisation_id, ""))
                                for r in counted if r.figures.get("hazards_overdue")), key=lambda x: (-x[0], x[1]))
    if overdue_by_school:
        ranking.append(_("Most hazards past their deadline: %(schools)s.")
                       % {"schools": _names(_("%(school)s (%(n)s)") % {"school": s, "n": n}
                                            for n, s in overdue_by_school[:RANKED])})
    sections.append((_("Rankings"), ranking))

    # 三、reports on time, late, missing
    due = selectors.due_date(campaign, month)
    timely = [_("The monthly report for %(month)s was due on %(due)s. %(n)s schools reported on time.")
              % {"month": month_label, "due": _day(due), "n": len(by_timeliness[Timeliness.ON_TIME])}]
    if by_timeliness[Timeliness.LATE]:
        timely.append(_("Reported late (%(n)s): %(schools)s.") % {"n": len(by_timeliness[Timeliness.LATE]),
                                                                   "schools": _names(by_timeliness[Timeliness.LATE])})
    if by_timeliness[Timeliness.MISSING]:
        timely.append(_("Not reported (%(n)s): %(schools)s. They must submit at once; late, missing or concealed "
                        "reports are held to account.")
                      % {"n": len(by_timeliness[Timeliness.MISSING]),
                         "schools": _names(by_timeliness[Timeliness.MISSING])})
    if not by_timeliness[Timeliness.LATE] and not by_timeliness[Timeliness.MISSING]:
        timely.append(_("No report was late or missing."))
    sections.append((_("Monthly reports on time, late and missing"), timely))

    # 四、overdue and listed major hazards
    hazards = []
    for h in circular_hazards(bureau, today=today):
        overdue_days = (today - h.due).days
        state = (_("%(n)s days past its deadline") % {"n": overdue_days}) if overdue_days > 0 else \
            (_("due on %(due)s") % {"due": _day(h.due)})
        hazards.append(_("%(school)s: %(number)s %(title)s (%(state)s%(listed)s).")
                       % {"school": h.organisation.name, "number": h.number, "title": h.title, "state": state,
                          "listed": _(", under listed supervision") if h.is_listed else ""})
    if not hazards:
        hazards.append(_("No major hazard is past its deadline or under listed supervision."))
    sections.append((_("Overdue and listed major hazards"), hazards))

    # 五、accountability and exposure
    cases = [_("%(school)s: %(who)s — %(reason)s Measure: %(measure)s (%(by)s, %(date)s).")
             % {"school": a.organisation.name, "who": a.person or a.department, "reason": a.reason.strip(),
                "measure": a.measure.strip(), "by": a.decided_by, "date": _day(a.decided_on)}
             for a in public_accountability(bureau, month, after)]
    if not cases:
        cases.append(_("No accountability decision of %(month)s is to be made public.") % {"month": month_label})
    sections.append((_("Accountability and exposure"), cases))

    # 六、typical cases chosen by the bureau
    typical = [{"title": _("%(title)s (%(school)s)") % {"title": i.title, "school": i.organisation.name},
                "text": i.body.strip()}
               for i in ReportItem.objects.filter(report__campaign=campaign, report__month=month,
                                                  report__status__in=COUNTED, kind=ItemKind.TYPICAL_CASE,
                                                  for_circular=True, organisation__path__startswith=bureau.path)
               .select_related("organisation").order_by("organisation__path", "pk")]

    typical_heading = _("Typical cases chosen for the circular")
    out_sections = [{"heading": f"{NUMERALS[n]}、{heading}", "paragraphs": paragraphs, "cases": []}
                    for n, (heading, paragraphs) in enumerate(sections)]
    out_sections.append({
        "heading": f"{NUMERALS[len(sections)]}、{typical_heading}",
        "paragraphs": [] if typical else [_("The bureau chose no typical case this month.")],
        "cases": typical,
    })

    headers = [_("No."), _("School"), _("Reporting"), _("Hazards found"), _("Rectified"), _("Rectification rate (%)"),
               _("Overdue"), _("Listed")]
    labels = dict(Timeliness.choices)
    rows = []
    for n, school in enumerate(schools, start=1):
        report = reports.get(school.pk)
        f = report.figures if report else {}
        rows.append([str(n), school.name, str(labels[school.timeliness]),
                     _number(_sum([report], "hazards_general", "hazards_major")) if report else "—",
                     _number(f.get("hazards_rectified")) if report else "—",
                     _number(f.get("rectification_rate")) if report else "—",
                     _number(f.get("hazards_overdue")) if report else "—",
                     _number(f.get("hazards_listed")) if report else "—"])
    return {
        "title": _("Circular on the progress of %(campaign)s in %(month)s")
        % {"campaign": campaign.label, "month": month_label},
        "addressee": _("To every school:"),
        "opening": _("The progress of %(campaign)s in %(month)s, from the monthly reports and the records of the "
                     "hazard register, is circulated as follows.") % {"campaign": campaign.label, "month": month_label},
        "sections": out_sections,
        "attachment": {"title": _("Monthly reports and main figures of the schools, %(month)s") % {"month": month_label},
                       "headers": [str(h) for h in headers], "rows": rows},
        "signature": bureau.name,
    }


# ---- the Word document ---------------------------------------------------------------------------


def _font(run, name: str, size: float, *, bold=False, color=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph(doc, text: str, *, font="仿宋_GB2312", size=16, bold=False, align=None, indent=True, color=None,
               space_after=0):
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _red_rule(paragraph):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "FF0000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def write_docx(circular: Circular) -> bytes:
    """The circular as a .docx in the layout of official documents (GB/T 9704): the issuing bureau in
    red, the document number over a red rule, the title, the addressee, the body in 仿宋 16 pt with
    headings in 黑体, the signature and date, then the attachment table on a page of its own."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    content = circular.content
    doc = Document()
    doc.core_properties.title = circular.title
    doc.core_properties.author = circular.organisation.name
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    _paragraph(doc, circular.organisation.name, font="方正小标宋简体", size=30, align=center, indent=False,
               color="FF0000", space_after=12)
    _red_rule(_paragraph(doc, circular.number, align=center, indent=False, space_after=12))
    _paragraph(doc, "", indent=False)
    _paragraph(doc, circular.title, font="方正小标宋简体", size=22, align=center, indent=False, space_after=12)
    _paragraph(doc, content.get("addressee", ""), indent=False)
    _paragraph(doc, content.get("opening", ""))
    for part in content.get("sections", []):
        _paragraph(doc, part["heading"], font="黑体")
        for text in part.get("paragraphs", []):
            _paragraph(doc, text)
        for n, case in enumerate(part.get("cases", []), start=1):
            _paragraph(doc, f"（{NUMERALS[(n - 1) % 10]}）{case['title']}", font="楷体_GB2312")
            for text in case["text"].splitlines():
                if text.strip():
                    _paragraph(doc, text.strip())
    attachment = content.get("attachment") or {}
    _paragraph(doc, "")
    _paragraph(doc, _("Attachment: %(title)s") % {"title": attachment.get("title", "")})
    _paragraph(doc, "")
    _paragraph(doc, content.get("signature", ""), align=right, indent=False)
    _paragraph(doc, _day(circular.date), align=right, indent=False)

    # the attachment, landscape, on a page of its own
    annex = doc.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin = annex.bottom_margin = Mm(20)
    annex.left_margin = annex.right_margin = Mm(20)
    _paragraph(doc, _("Attachment"), font="黑体", indent=False)
    _paragraph(doc, attachment.get("title", ""), font="方正小标宋简体", size=18, align=center, indent=False,
               space_after=6)
    headers, rows = attachment.get("headers", []), attachment.get("rows", [])
    if headers:
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), "黑体", 11)
            cell.paragraphs[0].alignment = center
        # One styled row built with python-docx, then copied for each school (lxml, in C): styling
        # every cell through python-docx took 45 ms a row here, over two minutes for 3,000 schools.
        import copy

        from docx.oxml.ns import qn
        from docx.table import _Cell

        tr = table._tbl.add_tr()
        for col in table._tbl.tblGrid.gridCol_lst:
            tc = tr.add_tc()
            if col.w is not None:
                tc.width = col.w
            _font(_Cell(tc, table).paragraphs[0].add_run("-"), "仿宋_GB2312", 11)
        proto = copy.deepcopy(tr)
        table._tbl.remove(tr)
        space = qn("xml:space")
        for row in rows:
            tr = copy.deepcopy(proto)
            for t, text in zip(tr.iter(qn("w:t")), row, strict=True):
                t.text = str(text)
                t.set(space, "preserve")
            table._tbl.append(tr)
        # repeat the header row on every page
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- services ------------------------------------------------------------------------------------


def _next_number(bureau: Organisation, year: int) -> int:
    return Circular.objects.filter(organisation=bureau, month__year=year).count() + 1


def draft_circular(*, bureau: Organisation, campaign: Campaign, month: datetime.date, actor=None,
                   today: datetime.date | None = None) -> Circular:
    """Draft the circular of `bureau` for `campaign` and `month`, or replace the month's draft.
    `actor` None is the system (the monthly task, the management command)."""
    month = month.replace(day=1)
    today = today or timezone.localdate()
    if actor is not None and not permissions.can_draft_circular(actor, bureau):
        raise DomainError(_("Only the bureau's safety staff draft its circular."))
    if not bureau.is_bureau:
        raise DomainError(_("Circulars are issued by a bureau, not by a school."))
    if campaign.is_template or campaign.organisation is None or not bureau.path.startswith(campaign.organisation.path):
        raise DomainError(_("This campaign does not apply to the bureau."))
    if month not in selectors.campaign_months(campaign, until=today):
        raise DomainError(_("%(month)s is not a month of the campaign so far.") % {"month": f"{month:%Y-%m}"})
    if not selectors.asking_monthly_reports(Campaign.objects.filter(pk=campaign.pk)).exists():
        raise DomainError(_("This campaign does not ask for monthly reports, so it has no monthly circular."))
    existing = Circular.objects.filter(organisation=bureau, campaign=campaign, month=month).first()
    if existing is not None and not existing.is_draft:
        raise _not_replaced(existing)
    with translation.override(settings.LANGUAGE_CODE):
        content = build_content(bureau, campaign, month, today=today)
        for attempt in range(2):
            try:
                with transaction.atomic():
                    return _save_draft(bureau, campaign, month, content, actor=actor, today=today)
            except IntegrityError:
                if attempt:
                    raise
    raise AssertionError("unreachable")


def _not_replaced(circular: Circular) -> DomainError:
    return DomainError(_("The circular for %(month)s is already %(status)s; it is not replaced.")
                       % {"month": f"{circular.month:%Y-%m}", "status": circular.get_status_display()})


def _save_draft(bureau, campaign, month, content, *, actor, today) -> Circular:
    circular = (Circular.objects.select_for_update(of=("self",)).select_related("organisation")
                .filter(organisation=bureau, campaign=campaign, month=month).first())
    if circular is not None and not circular.is_draft:
        raise _not_replaced(circular)
    now = timezone.now()
    if circular is None:
        circular = Circular(organisation=bureau, campaign=campaign, month=month,
                            number=_("%(bureau)s safety circular [%(year)s] No. %(number)s")
                            % {"bureau": bureau.name, "year": month.year,
                               "number": _next_number(bureau, month.year)})
        created = True
    else:
        created = False
        circular._change_reason = _("Drafted again from the records")
    circular.title = content["title"][:300]
    circular.content = content
    circular.date = today
    circular.drafted_at = now
    circular.drafted_by = actor if getattr(actor, "pk", None) else None
    if circular.document:
        circular.document.delete(save=False)
    circular.document.save(f"{month:%Y-%m}.docx", ContentFile(write_docx(circular)), save=False)
    circular.save()
    if created:
        notices.send(key=f"reports:circular-draft:{circular.pk}", title=_("Circular to approve"),
                     body=_("The circular “%(title)s” was drafted and waits for a leader's approval.")
                     % {"title": circular.title},
                     url=circular.get_absolute_url(), organisation=bureau, roles=[Role.BUREAU_LEADER])
    return circular


def draft_monthly_circulars(*, month: datetime.date, today: datetime.date | None = None) -> int:
    """Each live campaign's issuing bureau gets the draft circular of `month` (a month of the
    campaign); an approved or published one is left alone. Returns how many were drafted."""
    today = today or timezone.localdate()
    month = month.replace(day=1)
    drafted = 0
    campaigns = selectors.asking_monthly_reports(
        Campaign.objects.live().filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED],
                                       organisation__isnull=False, start__lt=month_after(month), end__gte=month)
    ).select_related("organisation")
    for campaign in campaigns:
        if Circular.objects.filter(organisation=campaign.organisation, campaign=campaign, month=month) \
                .exclude(status=CircularStatus.DRAFT).exists():
            continue
        try:
            draft_circular(bureau=campaign.organisation, campaign=campaign, month=month, today=today)
        except DomainError:
            continue
        drafted += 1
    return drafted


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transaction.atomic
def circular_edit(*, circular: Circular, actor, number: str, title: str, date: datetime.date, opening: str,
                  sections: list[tuple[str, str]]) -> Circular:
    """Correct the wording of a draft before a leader approves it: its number, title, date, opening
    and each section's heading and paragraphs (one per line). The figures' attachment table and the
    chosen cases stay as drafted from the records. The Word document is written again; the history
    keeps the drafted version. "Draft again from the records" replaces these corrections."""
    circular = _locked(circular)
    if not circular.is_draft:
        raise DomainError(_("Only a draft circular can be corrected; this one is %(status)s.")
                          % {"status": circular.get_status_display()})
    if not permissions.can_edit_circular(actor, circular):
        raise DomainError(_("Only the bureau's safety staff correct its draft circular."))
    number, title = (number or "").strip(), (title or "").strip()
    if not number or not title:
        raise DomainError(_("A circular needs its document number and title."))
    drafted = circular.content.get("sections", [])
    if len(sections) != len(drafted):
        raise DomainError(_("The circular has changed since you opened it. Please open it again."))
    content = dict(circular.content)
    content["opening"] = (opening or "").strip()
    content["sections"] = [
        {**part, "heading": (heading or "").strip() or part["heading"], "paragraphs": _paragraphs(text)}
        for part, (heading, text) in zip(drafted, sections, strict=True)
    ]
    content["edited"] = True
    changed = model_update(instance=circular, data={"number": number, "title": title, "date": date,
                                                    "content": content},
                           actor=actor, reason=_("Wording corrected by hand"))
    if changed:
        circular.document.delete(save=False)
        circular.document.save(f"{circular.month:%Y-%m}.docx", ContentFile(write_docx(circular)), save=False)
        Circular.objects.filter(pk=circular.pk).update(document=circular.document.name)
    return circular


def _locked(circular: Circular) -> Circular:
    return Circular.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=circular.pk)


@transaction.atomic
def circular_approve(*, circular: Circular, actor, note: str = "") -> Circular:
    circular = _locked(circular)
    if not permissions.can_approve_circular(actor, circular):
        raise DomainError(_("Only a leader of the bureau approves its circular."))
    CIRCULAR_FLOW.apply(circular, "approve", actor=actor, note=note,
                        fields={"approved_by": actor, "approved_at": timezone.now()})
    return circular


@transaction.atomic
def circular_publish(*, circular: Circular, actor, note: str = "") -> Circular:
    """Publish an approved circular: every school below the bureau sees it and its safety officer
    and leaders get a notice."""
    circular = _locked(circular)
    if not permissions.can_publish_circular(actor, circular):
        raise DomainError(_("Only the bureau's safety staff and leaders publish its circular."))
    CIRCULAR_FLOW.apply(circular, "publish", actor=actor, note=note, fields={"published_at": timezone.now()})
    circular_id = circular.pk

    def queue():
        from .tasks import notify_circular

        notify_circular.delay(circular_id)

    transaction.on_commit(queue)  # thousands of schools: the notices go out in the background
    return circular


def notify_circular(circular: Circular) -> int:
    """A notice of the published circular to the safety officer and leaders of every school below
    the bureau; each person once (the notice key), so a retried task sends nothing twice."""
    if circular.status != CircularStatus.PUBLISHED:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        schools = Organisation.objects.schools().filter(path__startswith=circular.organisation.path, is_active=True)
        for school in schools.only("pk", "path").order_by("path").iterator():
            sent += len(notices.send(key=f"reports:circular:{circular.pk}", title=_("New circular from the bureau"),
                                     body=circular.title, url=circular.get_absolute_url(), organisation=school,
                                     roles=list(SCHOOL_SAFETY_ROLES)))
    return sent
