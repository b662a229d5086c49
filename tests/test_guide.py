"""The printable drill guide: the HTML page, its QR codes and the PDFs in both paper sizes."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html
from PIL import Image
from pypdf import PdfReader

from conftest import SAMPLE_BASE
from sitegen.guide import qr_svg

SIZES = {"a4": (595, 842), "letter": (612, 792)}
DRILLS = {"First walk": "first-walk", "Backward jog": "backward-jog"}


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_opens_with_right_size_metadata_and_content(built_sample: Path, paper: str):
    reader = PdfReader(built_sample / f"guide/retro-stride-drill-guide-{paper}.pdf")
    assert 3 <= len(reader.pages) <= 12
    for page in reader.pages:
        w, h = (round(float(x)) for x in page.mediabox.upper_right)
        assert (w, h) == SIZES[paper]
    meta = reader.metadata
    assert "Four weeks to a backward jog" in meta.title and meta.author == "Sam Ple"
    assert reader.trailer["/Root"].get("/Lang") == "en"
    text = "\n".join(p.extract_text() for p in reader.pages)
    for title in DRILLS:
        assert title in text
    for week in ("Walk more", "Try a jog", "Training log", "Effort 1-10", "Not medical advice"):
        assert week in text
    assert "Skip to content" not in text and "Subscribe" not in text  # no navigation on paper
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if "/DescendantFonts" in font:  # Type0 (CID) fonts keep the descriptor one level down
                font = font["/DescendantFonts"][0].get_object()
            desc = font["/FontDescriptor"]
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"font not embedded: {desc}"
            fonts.add(font["/BaseFont"])
    assert fonts


def test_html_guide_has_every_drill_card_with_a_qr_code(built_sample: Path):
    doc = html.fromstring((built_sample / "guide/index.html").read_text())
    cards = doc.find_class("drill-card")
    assert [c.findtext(".//h3/a") for c in cards] == list(DRILLS)
    for card in cards:
        assert card.find(".//svg") is not None or "<svg" in html.tostring(card).decode()
    assert "Download" in doc.text_content() and "retro-stride-drill-guide-a4.pdf" in (built_sample / "drills/index.html").read_text()


def test_qr_codes_in_the_pdf_decode_to_each_drills_url(built_sample: Path, tmp_path: Path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm missing: apt-get install poppler-utils")
    import zxingcpp

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(built_sample / "guide/retro-stride-drill-guide-a4.pdf"), str(tmp_path / "p")], check=True)
    found = set()
    for png in sorted(tmp_path.glob("p-*.png")):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            found.add(result.text)
    assert found == {f"{SAMPLE_BASE}drills/{slug}/" for slug in DRILLS.values()}


def test_qr_svg_is_inline_svg_with_a_title():
    svg = str(qr_svg("https://example.org/drills/x/"))
    assert svg.startswith("<svg") and "<title>QR code for https://example.org/drills/x/</title>" in svg


def test_program_page_table(built_sample: Path):
    doc = html.fromstring((built_sample / "guide/index.html").read_text())
    rows = doc.xpath("//section[@class='plan']//tbody/tr")
    assert len(rows) == 4 and "First walk: 2 x 5 min" in rows[0].text_content()


def test_printed_cards_carry_safety_and_the_log_has_a_row_per_session(built_sample: Path):
    # The guide once printed no safety list and a fixed 14-row log whatever the plan held.
    doc = html.fromstring((built_sample / "guide/index.html").read_text())
    cards = {c.findtext(".//h3/a"): [dt.text for dt in c.iter("dt")] for c in doc.find_class("drill-card")}
    assert all("Safety" in terms for terms in cards.values()), cards
    rows = doc.xpath("//section[@class='log']//tbody/tr")
    assert [r.xpath("td")[1].text_content() for r in rows] == [
        "Week 1 Mon: First walk", "Week 2 Mon: First walk", "Week 3 Tue: Backward jog", "Week 4 Thu: Backward jog"]
    text = "\n".join(p.extract_text() for p in PdfReader(built_sample / "guide/retro-stride-drill-guide-a4.pdf").pages)
    assert "Clear the lane" in text and "Walk first for weeks" in text
