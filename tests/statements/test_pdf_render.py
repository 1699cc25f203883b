"""The PDF renders: page 1 drawn by poppler's pdftoppm is a page with text on it, not blank."""

from __future__ import annotations

import shutil
import subprocess

from django.urls import reverse
from PIL import Image


def test_page_one_of_the_pdf_is_drawn_and_not_blank(acme, acme_client, month_arg, tmp_path):
    assert shutil.which("pdftoppm"), "poppler-utils is installed (.ci/run)"
    response = acme_client.get(reverse("statements:pdf", args=[acme.pk, month_arg]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="sla-statement-{acme.pk}-{month_arg}.pdf"' in response["Content-Disposition"]
    source = tmp_path / "statement.pdf"
    source.write_bytes(response.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    width, height = image.size
    assert width > height  # A4 landscape
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 128)
    share = dark / (width * height)
    assert 0.005 < share < 0.5, f"{share:.3%} of the page is ink"
