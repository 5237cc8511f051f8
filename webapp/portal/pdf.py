"""The credit report as a PDF (reportlab, pure Python), from the same masked public view
as the HTML report. Chinese text uses the CID font STSong-Light: the PDF names it and the
reader supplies the glyphs (every PDF reader carries the Adobe-GB1 fallback), so no font
file ships with the app."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from engine.disclosure import CATEGORIES
from engine.disclosure.public import PublicEntity, PublicRecord
from webapp.portal.labels import REGISTRATION_LABELS

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, textColor="#555555")
TITLE = ParagraphStyle("title", parent=BODY, fontSize=17, leading=24, spaceAfter=4)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=12.5, leading=18, spaceBefore=10,
                      spaceAfter=4)
SUB = ParagraphStyle("sub", parent=BODY, fontSize=10.5, leading=16, spaceBefore=6)


def report_pdf(entity: PublicEntity, english: bool, printed_on: date) -> bytes:
    """The report of one entity as PDF bytes, in the page's language."""
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm,
                                 title=f"{_('Credit report')} {entity.uscc}")
    story = [Paragraph(_("Market entity credit report"), SMALL),
             Paragraph(escape(entity.name), TITLE),
             Paragraph(escape(_("Printed on %(date)s", date=printed_on.isoformat())), SMALL),
             Paragraph(_("Registration details"), HEAD)]
    for name, label in REGISTRATION_LABELS.items():
        if entity.values.get(name):
            story.append(_line(str(label), str(entity.values[name])))
    story.append(Paragraph(_("Published records"), HEAD))
    if not entity.records:
        story.append(Paragraph(_("No record about this entity is published."), BODY))
    for code, rows in entity.records.items():
        story.append(Paragraph(escape(f"{CATEGORIES[code].name('en' if english else 'zh')}"
                                      f" ({len(rows)})"), SUB))
        for record in rows:
            story += _record(record, english)
    story += [Spacer(1, 8 * mm), Paragraph(_(
        "This report shows what was published on the day it was printed. Withdrawn and "
        "expired records are not shown."), SMALL)]
    document.build(story)
    return out.getvalue()


def _record(record: PublicRecord, english: bool) -> list[Paragraph]:
    title = record.decision_number or record.decision_date.isoformat()
    lines = [Paragraph(f"<b>{escape(title)}</b>", BODY),
             Paragraph(escape(f"{_('Decided')} {record.decision_date.isoformat()} · "
                              f"{record.authority}"), SMALL)]
    lines += [_line(f.label_en if english else f.label_zh, f.value_en if english else f.value_zh)
              for f in record.fields]
    if record.publication_ends_on:
        lines.append(_line(_("Published until"), record.publication_ends_on.isoformat()))
    lines.append(Spacer(1, 3 * mm))  # type: ignore[arg-type]
    return lines


def _line(label: str, value: str) -> Paragraph:
    return Paragraph(f'<font color="#555555">{escape(label)}：</font>{escape(value)}', BODY)
