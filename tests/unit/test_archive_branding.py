"""The organisation that hands the documentation over, with its logo: on the report's cover,
in README.md and results.json; escaped like all text; the logo checked and drawn anew, a
file that is not a PNG or JPEG refused with a sentence; without a setting nothing of it."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from facilitator.archive import write_archive
from facilitator.archive.branding import LOGO_BOX, Branding, branding, load_logo
from tests import mediafiles
from tests.unit.test_archive_media import Log

NAME = 'Stadt <Muster> & "Co" *Klimaschutz*'


def _png(path: Path, size: tuple[int, int] = (1200, 400)) -> Path:
    Image.new("RGB", size, (20, 110, 80)).save(path, format="PNG")
    return path


def _closed() -> Log:
    log = Log()
    log.run("moderator", "session.open")
    log.run("moderator", "session.close")
    return log


def test_the_organisation_and_its_logo_head_the_report(tmp_path: Path) -> None:
    logo = load_logo(_png(tmp_path / "logo.png"))
    with Image.open(io.BytesIO(logo)) as drawn:
        assert drawn.format == "PNG" and drawn.width <= LOGO_BOX[0]
        assert drawn.height <= LOGO_BOX[1]
    folder = tmp_path / "lab"
    log = _closed()
    write_archive(log.events, folder, branding=Branding(NAME, logo))
    html = (folder / "report.html").read_text("utf-8")
    assert "Stadt &lt;Muster&gt; &amp; &#34;Co&#34; *Klimaschutz*" in html
    assert f"data:image/png;base64,{base64.b64encode(logo).decode()}" in html
    assert html.index('class="organisation"') < html.index("<h1>")
    assert (folder / "logo.png").read_bytes() == logo
    readme = (folder / "README.md").read_text("utf-8")
    assert readme.startswith("*Stadt \\<Muster\\> \\& \"Co\" \\*Klimaschutz\\**")
    data = json.loads((folder / "results.json").read_text("utf-8"))
    assert data["session"]["organisation"] == NAME
    # Without the setting, none of it; an earlier run's logo goes.
    write_archive(log.events, folder)
    assert not (folder / "logo.png").exists()
    assert 'class="organisation"' not in (folder / "report.html").read_text("utf-8")
    assert json.loads((folder / "results.json").read_text("utf-8"))["session"][
        "organisation"] is None


@pytest.mark.parametrize(("data", "says"), [
    (mediafiles.SVG_WITH_SCRIPT, "is not a PNG or JPEG image"),
    (b"GIF89a" + bytes(100), "is not a PNG or JPEG image"),
    (mediafiles.huge_jpeg_header(), "too large for a logo"),
    (bytes(3 * 1024 * 1024), "is larger than 2 MB"),
], ids=["svg", "gif", "huge", "big-file"])
def test_a_logo_that_is_not_a_plain_image_is_refused(tmp_path: Path, data: bytes,
                                                     says: str) -> None:
    path = tmp_path / "logo"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=says):
        load_logo(path)


def test_the_settings_make_the_branding(tmp_path: Path) -> None:
    assert branding("", "") == Branding("", None)
    made = branding("  Kreis Beispiel  ", str(_png(tmp_path / "l.png", (50, 50))))
    assert made.organisation == "Kreis Beispiel" and made.logo is not None
    with pytest.raises(ValueError, match="cannot be read"):
        branding("x", str(tmp_path / "missing.png"))


def test_serve_stops_at_a_wrong_logo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from facilitator.cli import serve
    from facilitator.config import load_settings

    wrong = tmp_path / "logo.svg"
    wrong.write_bytes(mediafiles.SVG_WITH_SCRIPT)
    settings = load_settings({"data_dir": str(tmp_path / "data"), "logo": str(wrong)}, {})
    assert serve(settings, None) == 2
    assert "is not a PNG or JPEG image (--logo)" in capsys.readouterr().err
