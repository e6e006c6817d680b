"""Build documents of every format from the seeds, at test time (nothing binary is committed).

``python -m tests.ingestion.formats OUT`` writes the done-means folder of issue 17: the Hanoi article
as a PDF printed by Chromium with its running header and footer (German), as DOCX (Indonesian), as
an HTML page with site navigation, a cookie banner, an aside and a footer (Greek), and as a PDF
(Hindi).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARTICLE = {
    "de": "000_235633b48e1d49de.txt",
    "id": "001_20e62da513ea2e91.txt",
    "el": "002_62d8cc948397ae37.txt",
    "hi": "003_bd2f714c53714b98.txt",
}
INTERVIEW = "004_094ef92761849e66.txt"
# what surrounds the article on the web page: none of it may be quoted
NAV_WORDS = ["Αρχική", "Πολιτική απορρήτου", "cookies", "Δημοφιλή", "δικαιώματα", "γέφυρα"]


def paragraphs(lang: str) -> list[str]:
    return [p for p in (SEEDS / ARTICLE[lang]).read_text(encoding="utf-8").splitlines() if p.strip()]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(page: str, out: Path, header_footer: bool = True) -> Path:
    """``page`` (HTML) printed by headless Chromium, with its date/title header and URL/page footer."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="rag-print-") as tmp:
        src = Path(tmp) / f"{out.stem}.html"
        src.write_text(page, encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
        cmd += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
        cmd += [] if header_footer else ["--no-pdf-header-footer"]
        cmd += [f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=120, check=True)
    return out


def article_page(lang: str, soft_hyphens: bool = False) -> str:
    """The article as a plain page of paragraphs, big enough to run over two pages."""
    paras = paragraphs(lang)
    if soft_hyphens:  # long words break at a line end with a hyphen that is not part of the text
        paras = [" ".join(_shy(w) for w in p.split(" ")) for p in paras]
    body = "\n".join(f"<p>{html.escape(p).replace('&amp;shy;', '&shy;')}</p>" for p in paras)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Hanoi ({lang})</title>"
        "<style>body{font-size:15pt} p{text-align:justify}</style></head>"
        f"<body>{body}</body></html>"
    )


def interview_page(paragraphs_: int = 6) -> str:
    """The first paragraphs of the seed interview (German) as a page."""
    paras = [p for p in (SEEDS / INTERVIEW).read_text(encoding="utf-8").splitlines() if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[:paragraphs_])
    return (
        "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Interview</title>"
        f"<style>body{{font-size:14pt}}</style></head><body>{body}</body></html>"
    )


def scanned_pdf(pdf: Path, out: Path, dpi: int = 150) -> Path:
    """``pdf`` as a scan: each page rasterised (pdftoppm) and printed as an image, with no text layer."""
    with tempfile.TemporaryDirectory(prefix="rag-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/p"], check=True, timeout=120)
        images = sorted(Path(tmp).glob("p-*.png"))
        body = "".join(f"<img src='{png.as_uri()}'>" for png in images)
        page = (
            "<!doctype html><html><head><style>@page{size:8.5in 11in;margin:0} body{margin:0}"
            "img{width:8.5in;height:11in;display:block;page-break-after:always}</style></head>"
            f"<body>{body}</body></html>"
        )
        return print_pdf(page, out, header_footer=False)


def _shy(word: str) -> str:
    return word[:6] + "&shy;" + word[6:] if len(word) > 14 and word.isalpha() else word


def web_page(lang: str) -> str:
    """The article inside a news site: navigation, cookie banner, aside, footer, a script."""
    paras = paragraphs(lang)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Ανόι — Ειδήσεις</title>
<script>var consent = "Αποδοχή cookies";</script></head><body>
<header><nav><ul><li><a href="/">Αρχική</a></li><li><a href="/p">Πολιτική</a></li>
<li><a href="/t">Τεχνολογία και Καινοτομία</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>Χρησιμοποιούμε cookies για να βελτιώσουμε την εμπειρία σας
στον ιστότοπο. Αποδοχή όλων των cookies.</p><button>Αποδοχή</button></div>
<main><article><h1>{html.escape(paras[0])}</h1>
<h2>Συνεργασία</h2>
{body}
</article>
<aside><h3>Δημοφιλή άρθρα</h3><ul><li><a href="/a">Νέα γέφυρα στο Ανόι εγκαινιάστηκε σήμερα από τον
δήμαρχο της πόλης</a></li></ul></aside></main>
<footer><p>© 2025 Ειδησεογραφικός Ιστότοπος. Όλα τα δικαιώματα διατηρούνται. Πολιτική απορρήτου</p></footer>
</body></html>"""


def docx_file(lang: str, out: Path) -> Path:
    import docx

    document = docx.Document()
    paras = paragraphs(lang)
    document.add_heading(paras[0], level=1)
    document.add_heading("Kerja sama", level=2)
    for p in paras[1:]:
        document.add_paragraph(p)
    document.save(str(out))
    return out


def simple_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF (Helvetica, Latin-1 text) with these lines on each page and its number in the footer:
    no browser needed."""
    objects: list[bytes] = []
    kids = []
    font_id = 3
    for i, lines in enumerate(pages):
        text = "BT /F1 11 Tf 14 TL 72 700 Td " + " ".join(f"({_esc(ln)}) '" for ln in lines) + " ET"
        text += f" BT /F1 9 Tf 300 30 Td ({i + 1}) Tj ET"  # the page number in the footer
        stream = zlib.compress(text.encode("latin-1"))
        content_id = 4 + 2 * i
        page_id = content_id + 1
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_id, font_id)
        )
        kids.append(page_id)
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(head + objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def _esc(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def done_means_folder(out: Path) -> Path:
    """The four versions of the article in four formats (issue 17's done-means folder)."""
    out.mkdir(parents=True, exist_ok=True)
    print_pdf(article_page("de", soft_hyphens=True), out / "000_report_de.pdf")
    docx_file("id", out / "001_laporan_id.docx")
    (out / "002_page_el.html").write_text(web_page("el"), encoding="utf-8")
    print_pdf(article_page("hi"), out / "003_report_hi.pdf")
    return out


if __name__ == "__main__":
    print(done_means_folder(Path(sys.argv[1])))
