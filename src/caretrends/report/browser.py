"""Open a report page in headless Chromium: does every image load, does the page fit?

Used by the tests (and available after a run) to show that the self-contained HTML
really displays its figures in a browser. Needs Chromium: ``make browser`` installs
Debian's package; ``$CHROMIUM`` names another binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from caretrends.errors import CaretrendsError

_RESULT_ID = "caretrends-image-check"
# The page's load event fires once every image has loaded or failed, so the images'
# state can be read then: a broken image is complete with no natural size. (Waiting on
# img.decode() instead never settled for large figures under --virtual-time-budget.)
_PROBE = f"""<script>
window.addEventListener("load", function () {{
  var found = Array.prototype.map.call(document.images, function (img) {{
    return {{src: (img.getAttribute("src") || "").slice(0, 60), alt: img.alt,
             loaded: img.complete && img.naturalWidth > 0,
             width: img.naturalWidth, height: img.naturalHeight}};
  }});
  var out = document.createElement("pre");
  out.id = "{_RESULT_ID}";
  // How far the page is wider than the window: a table or figure that forces sideways
  // scrolling at the window's width.
  var overflow = document.documentElement.scrollWidth - window.innerWidth;
  // Tables whose content is wider than the box they are shown in (scrolled or cut).
  var clipped = Array.prototype.filter.call(document.querySelectorAll("table"), function (t) {{
    return t.scrollWidth > t.clientWidth + 1 ||
      t.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
  }}).map(function (t) {{ return (t.textContent || "").trim().slice(0, 60); }});
  // Table cells not aligned as their content asks: numbers right, text left.
  var misaligned = Array.prototype.filter.call(
    document.querySelectorAll("table.caretrends-table td"), function (td) {{
      var wanted = td.classList.contains("number") ? "right" : "left";
      return window.getComputedStyle(td).textAlign !== wanted;
    }}).map(function (td) {{ return (td.textContent || "").trim().slice(0, 30); }});
  out.textContent = JSON.stringify({{images: found, overflow: overflow, clipped: clipped,
                                     misaligned: misaligned}});
  document.body.appendChild(out);
}});
</script>"""
_RESULT = re.compile(rf'<pre id="{_RESULT_ID}">(.*?)</pre>', re.DOTALL)

CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",  # needed as root in containers and CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
    "--window-size=1280,1000",  # the width a reader's laptop gives a page
)


@dataclass(frozen=True)
class ImageLoad:
    """One ``<img>`` as the browser saw it (``src`` cut to 60 characters)."""

    src: str
    alt: str
    loaded: bool
    width: int
    height: int


def chromium_path() -> Path:
    """Return the Chromium binary: ``$CHROMIUM``, else ``chromium`` on the PATH.

    Raises
    ------
    CaretrendsError
        Saying how to install it when there is none.
    """
    named = os.environ.get("CHROMIUM")
    if named and not Path(named).is_file():
        raise CaretrendsError(f"CHROMIUM names {named}, which does not exist")
    found = named or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise CaretrendsError(
            "Chromium not found: run `make browser` (or `apt-get install chromium`), "
            "or set CHROMIUM to its path"
        )
    return Path(found)


#: The width of an A4 page's text in CSS pixels (210 mm less 12 mm margins, 96 px an inch).
PRINT_WIDTH_PX = round((210 - 24) / 25.4 * 96)


@dataclass(frozen=True)
class PageCheck:
    """What the browser saw of a page: its images, how many pixels it is wider than the
    window (0 when it fits), the start of each table wider than its box, and each table
    cell aligned otherwise than its content asks (numbers right, text left)."""

    images: list[ImageLoad]
    overflow: int
    clipped: list[str]
    misaligned: list[str]


def image_loads(page: Path, *, timeout: float = 120) -> list[ImageLoad]:
    """Open ``page`` in headless Chromium; return how each of its images loaded."""
    return check_page(page, timeout=timeout).images


def check_page(page: Path, *, timeout: float = 120, printed: bool = False) -> PageCheck:
    """Open ``page`` in headless Chromium, 1280 pixels wide; return its images and overflow.

    The page is copied with a probe script and a ``<base>`` pointing at its own folder,
    so relative references resolve as they would for the original file. With ``printed``
    the page is laid out as on paper: its print style sheet applies and the window is as
    wide as an A4 page's text (:data:`PRINT_WIDTH_PX`).

    Raises
    ------
    CaretrendsError
        When the browser fails or its output holds no result.
    """
    page = page.resolve()
    text = page.read_text(encoding="utf-8")
    base = f'<base href="{page.parent.as_uri()}/">'
    text = re.sub(r"<head[^>]*>", lambda m: m.group(0) + base, text, count=1)
    text = text.replace("</body>", _PROBE + "</body>") if "</body>" in text else text + _PROBE
    if printed:
        text = text.replace("@media print", "@media all")
    with tempfile.TemporaryDirectory(prefix="caretrends-browser-") as scratch:
        probe = Path(scratch) / page.name
        probe.write_text(text, encoding="utf-8")
        command = [
            str(chromium_path()),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(scratch) / 'profile'}",
            *([f"--window-size={PRINT_WIDTH_PX},1000"] if printed else []),
            "--dump-dom",
            probe.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    found = _RESULT.search(done.stdout)
    if done.returncode != 0 or not found:
        raise CaretrendsError(
            f"{page}: Chromium gave no image check (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}"
        )
    result = json.loads(html.unescape(found.group(1)))
    images = [ImageLoad(**image) for image in result["images"]]
    overflow = max(0, int(result["overflow"]))
    return PageCheck(images, overflow, result["clipped"], result["misaligned"])
