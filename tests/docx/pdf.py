"""A Word document printed to PDF by LibreOffice, as a person would, and read back as text.

One `soffice --convert-to pdf` per call, in a profile of its own (parallel runs do not
share a lock). The profile is seeded with the setting a first interactive start would
have written: without it, LibreOffice 7.x takes every headless start for a first start
after an upgrade and runs its ~100 graphics self-tests first (GraphicsRenderTests.log),
about 10 s of CPU a conversion. The seed changes nothing about how the document prints.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import unavailable

# "ooSetupLastVersion" is what LibreOffice compares with its own version to decide it has
# just been upgraded (utl::isProductVersionUpgraded). Any version at or above the installed
# one means "not upgraded"; 99.9 stays above every release for a long while.
PROFILE_SEED = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>99.9</value></prop></item>
</oor:items>
"""


def seeded_profile(folder: Path) -> Path:
    """A LibreOffice user profile in `folder` that skips the first-start graphics tests."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    registry = user / "registrymodifications.xcu"
    if not registry.exists():
        registry.write_text(PROFILE_SEED, encoding="utf-8")
    return folder


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces: a rendered text compared without caring where lines wrap."""
    return " ".join(text.split())


def to_pdf_text(content: bytes, tmp_path: Path, name: str) -> str:
    """`content` (a .docx) printed to PDF by LibreOffice, read back with `pdftotext -raw`, whitespace collapsed.

    Where a line wraps depends on the fonts the machine has (Carlito, or a wider fallback), so
    assertions never depend on it: `-raw` keeps the order LibreOffice wrote the text in (a table
    cell's lines together, not interleaved with its neighbours' as `-layout` would), and every
    run of whitespace, line ends included, reads as one space.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None:
        unavailable("LibreOffice not found (apt-get install libreoffice-writer-nogui)")
    if pdftotext is None:
        unavailable("pdftotext not found (apt-get install poppler-utils)")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    profile = seeded_profile(tmp_path / "lo-profile")
    result = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.exists(), f"LibreOffice made no PDF:\n{result.stdout}\n{result.stderr}"
    return collapse(
        subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )
