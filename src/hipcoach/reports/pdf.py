"""The progress report as a PDF, laid out from an HTML template and drawn by WeasyPrint.

The template (``reports/progress_report.html``) carries its own print styles: it is never
served to a browser, so the page Content-Security-Policy does not apply. The charts are the
progress page's own SVG (``progress/charts.py``), which WeasyPrint draws as vectors.

The report is in the language asked for, and its dates and times in the patient's own time
zone. It fetches nothing: the only files it may read are the cached font files
(``reports/fonts.py``), so no text in a record can make the renderer open a file or a URL.
``bench/report_pdf.py`` measures the time a report takes.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from hipcoach.accounts.models import User
from hipcoach.progress.summary import patient_zone
from hipcoach.reports import fonts
from hipcoach.reports.report import build_report

# Pango and Fontconfig are not safe to drive from several threads at once.
_render_lock = threading.Lock()

# WeasyPrint styles an inline SVG from the SVG's own <style> only, so the charts carry the
# print colours and dash patterns of app.css's chart section with them.
CHART_STYLE = (
    "<style>"
    ".chart-grid{stroke:#8a8f98;stroke-width:1}"
    ".chart-tick{fill:#111;font-size:14px;font-family:'Noto Sans JP',sans-serif}"
    ".chart-line{fill:none;stroke-width:3}"
    ".chart-line-a{stroke:#0b4f9c;fill:#0b4f9c}"
    ".chart-line-b{stroke:#a10f0f;fill:#a10f0f;stroke-dasharray:8 5}"
    "polyline.chart-line-a,polyline.chart-line-b{fill:none}"
    "</style>"
)


def _print_chart(svg: str) -> str:
    head, sep, rest = svg.partition(">")
    return f"{head}{sep}{CHART_STYLE}{rest}" if sep else svg


class _FontsOnly(URLFetcher):  # type: ignore[misc]
    """Refuses every URL but the cached font files."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self._folder = folder.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = Path(url.removeprefix("file://")).resolve()
        if not url.startswith("file://") or not path.is_relative_to(self._folder):
            raise ValueError(f"a report fetches nothing but its fonts, not {url}")
        return super().fetch(url, headers)


def report_html(patient: User, start: date, end: date, language: str) -> str:
    with translation.override(language), timezone.override(patient_zone(patient)):
        report = build_report(patient, start, end, language)
        for measure in report.measures:
            measure.chart = _print_chart(measure.chart)
        return render_to_string("reports/progress_report.html", {"report": report})


def render_document(html: str) -> Document:
    """Lay out ``html`` with the report font; the pages can be inspected before writing."""
    with _render_lock:
        font_config = FontConfiguration()
        fetcher = _FontsOnly(fonts.cache_dir())
        font_css = CSS(
            string=fonts.font_face_css(html), font_config=font_config, url_fetcher=fetcher
        )
        return HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[font_css], font_config=font_config
        )


def write_pdf(document: Document, **options: Any) -> bytes:
    with _render_lock:
        pdf = document.write_pdf(**options)
    assert isinstance(pdf, bytes)
    return pdf


def report_pdf(patient: User, start: date, end: date, language: str) -> bytes:
    return write_pdf(render_document(report_html(patient, start, end, language)))


def file_stem(patient: User) -> str:
    """The username in ASCII letters, digits, - and _: a download name every browser keeps."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in patient.username
    )


def filename(patient: User, start: date, end: date) -> str:
    return f"hipcoach-report-{file_stem(patient)}-{start.isoformat()}-{end.isoformat()}.pdf"
