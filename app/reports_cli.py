"""``sckg report --edition YEAR [--format html|pdf|csv|xlsx] [--out FILE]``: an edition report off line.

HTML is the page of ``/reports/{year}`` with its stylesheet inlined; PDF is that HTML printed by headless
Chromium (``/usr/bin/chromium`` or ``SCKG_CHROMIUM``); XLSX is the workbook of the page; CSV is one table
(``--table KEY``) or every table in long form (``table,row,column,value``).
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import click

from app.errors import BadRequest
from app.report_data import Report, build_report, report_xlsx, table_csv

CSS = Path(__file__).resolve().parent / "static" / "css" / "study.css"


def chromium() -> str | None:
    for candidate in (os.environ.get("SCKG_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def report_html(store, config, report: Report) -> str:
    from app import create_app
    from app.reports import render_report
    app = create_app(dict(config, TESTING=True), store=store)
    with app.test_request_context(f"/reports/{report.year}"):
        return render_report(report, inline_css=CSS.read_text(encoding="utf-8"))


def html_to_pdf(html: str, out: Path, timeout: int = 120) -> None:
    """Print HTML to PDF with headless Chromium.

    :raises BadRequest: Chromium is missing or fails (the message says which).
    """
    browser = chromium()
    if browser is None:
        raise BadRequest("PDF needs Chromium (apt-get install chromium, or set SCKG_CHROMIUM); "
                         "use --format html and print it from a browser instead")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BadRequest(f"Chromium did not finish printing the PDF within {timeout} s") from None
        if not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise BadRequest(f"Chromium could not print the PDF: {tail[0]}")
        shutil.move(str(target), out)


def long_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["table", "row", "column", "value"])
    for t in report.tables:
        for i, r in enumerate(t.rows, start=1):
            for c in t.columns:
                if c in r:
                    w.writerow([t.key, i, c, r[c]])
    return buf.getvalue()


@click.command("report")
@click.option("--edition", required=True, metavar="YEAR", help="the study edition, e.g. 2021")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "csv", "xlsx"]), default="html",
              show_default=True)
@click.option("--table", default=None, metavar="KEY", help="CSV only: one table (e.g. practices-by-axis)")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="file to write (default: standard output for html and csv)")
def report(edition, fmt, table, out):
    """Build the report of one study edition."""
    if fmt in ("pdf", "xlsx") and not out:
        raise click.UsageError(f"--format {fmt} writes a binary file: add --out FILE")
    from app.cli import with_store

    @with_store
    def run(store, config):
        rep = build_report(store, edition, config["BASE_IRI"])
        if fmt == "csv":
            data: str | bytes = table_csv(rep.table(table)) if table else long_csv(rep)
        elif fmt == "xlsx":
            data = report_xlsx(rep)
        else:
            data = report_html(store, config, rep)
        if fmt == "pdf":
            html_to_pdf(data, Path(out))
        elif out:
            target = Path(out)
            part = target.with_name(target.name + ".part")
            part.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            part.replace(target)
        else:
            click.echo(data, nl=False)
            return
        click.echo(f"wrote {out} ({Path(out).stat().st_size} bytes)", err=True)

    run()


commands = [report]
