"""The documentation site (mkdocs.yml, docs/): it builds with `mkdocs build --strict`, a broken
link or picture fails that build, every picture is one the guides show, and the guides say
what the app and the hub actually say: the words in bold on screen, the `spoke-hub` commands
the hub's own parser accepts."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from spokeapp.hub.cli import build_parser
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDES = sorted((DOCS / "guide").glob("*.md"))
#: The guides written for people at the app (their bold words are the app's words).
APP_GUIDES = (DOCS / "guide" / "worker.md", DOCS / "guide" / "supervisor.md")
CATALOGUE = ROOT / "resources" / "i18n" / "spoke_cy.ts"


def _refresh() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_images_refresh",
                                                  DOCS / "images" / "refresh.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    require(importlib.util.find_spec("mkdocs") is not None
            and importlib.util.find_spec("material") is not None,
            "mkdocs and mkdocs-material (the dev extra) build the documentation site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's banner about MkDocs 2.0
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
         "--site-dir", str(site)],
        capture_output=True, text=True, timeout=300, check=False, env=env)


def test_the_site_builds_strictly_with_every_guide_and_picture(tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stdout + built.stderr
    for page in ("index.html", "guide/worker.html", "guide/supervisor.html",
                 "guide/admin.html", "hub-admin.html", "data-protection.html"):
        assert (site / page).is_file(), page
    worker = (site / "guide" / "worker.html").read_text(encoding="utf-8")
    assert '<img alt="The Today page of the demo casebook" src="../images/01-today.png"' in worker
    assert (site / "images" / "01-today.png").is_file()
    assert not (site / "images" / "refresh.py").exists()


@pytest.mark.parametrize(("broken", "named"), [
    ("[a page that is not there](nowhere.md)", "nowhere.md"),
    ("[an anchor that is not there](admin.md#no-such-heading)", "no-such-heading"),
    ("![a picture that is not there](../images/99-missing.png)", "99-missing.png"),
])
def test_a_broken_link_or_picture_fails_the_build(tmp_path: Path, broken: str,
                                                  named: str) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(DOCS, copy / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    page = copy / "docs" / "guide" / "worker.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{broken}\n", encoding="utf-8")
    built = mkdocs_build(copy / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert named in built.stdout + built.stderr


def shown_pictures() -> set[str]:
    found: set[str] = set()
    for page in [*GUIDES, DOCS / "index.md"]:
        found |= set(re.findall(r"!\[[^\]]*\]\(\.\./images/([\w.-]+)\.png\)",
                                page.read_text(encoding="utf-8")))
    return found


def test_every_picture_is_shown_and_every_shown_picture_is_made_by_the_refresh() -> None:
    committed = {path.stem for path in (DOCS / "images").glob("*.png")}
    shown = shown_pictures()
    assert shown, "the guides show screenshots"
    assert shown == committed, "docs/images holds exactly the pictures the guides show"
    assert set(_refresh().SHOWN) == shown, "docs/images/refresh.py makes them again"
    for name in committed:  # small: a laptop-sized screen, not a 4K one
        assert (DOCS / "images" / f"{name}.png").stat().st_size < 400_000, name


def catalogue_words() -> list[str]:
    """Every source string of the app's translation catalogue: all its shown words."""
    sources = [element.text or "" for element in ET.parse(CATALOGUE).iter("source")]
    return [re.sub(r"&(?=\w)", "", text) for text in sources]


def shown_in_app(phrase: str, words: list[str]) -> bool:
    body = r"\{\w+\}".join(re.escape(part) for part in phrase.split("…"))
    pattern = re.compile(rf"(?<!\w){body}(?!\w)")  # whole words: "Enrol this lapto" is not shown
    return any(pattern.search(text) for text in words)


@pytest.mark.parametrize("guide", APP_GUIDES, ids=lambda path: path.name)
def test_the_guides_words_in_bold_are_the_apps_words(guide: Path) -> None:
    words = catalogue_words()
    assert len(words) > 500
    text = re.sub(r"\s*\n\s*", " ", guide.read_text(encoding="utf-8"))  # bold across lines
    phrases = re.findall(r"\*\*(.+?)\*\*", text)
    assert len(phrases) > 20
    missing = []
    for phrase in phrases:
        for part in phrase.split(" > "):  # a menu and its item: Record > Session note
            if not shown_in_app(part.replace("…", "") if part.endswith("…") else part, words):
                missing.append(part)
    assert not missing, f"bold in {guide.name} but never shown by the app: {missing}"


#: The other ways the administrator's guide gives a command: the `hub` shell function (the
#: hub's own user, systemd) and a stopped container; both run `spoke-hub` with what follows.
HUB_FORMS = ("hub ", "docker compose run --rm hub ")


def guide_commands() -> list[tuple[str, str]]:
    """Every `spoke-hub ...` command the guides give, as `spoke-hub ...`: code block lines and
    inline code, in any of the forms of ``HUB_FORMS`` too."""
    found: list[tuple[str, str]] = []
    for page in GUIDES:
        text = page.read_text(encoding="utf-8").replace("\\\n", " ")
        lines = [line.strip() for line in text.splitlines()]
        code = re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
        shown = [line.strip() for block in code for line in block.splitlines()]
        prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        shown += re.findall(r"`([^`\n]+)`", prose)
        lines += ["spoke-hub " + line[len(form):] for line in shown for form in HUB_FORMS
                  if line.startswith(form)]
        lines += re.findall(r"`(spoke-hub [^`]+)`", text)
        for line in lines:
            if line.startswith("spoke-hub "):
                found.append((page.name, line.split(" #", 1)[0].strip()))
    return found


def test_every_spoke_hub_command_in_the_guides_is_one_the_hub_accepts() -> None:
    commands = guide_commands()
    assert len(commands) > 15
    parser = build_parser()
    refused = []
    for page, command in commands:
        try:
            parser.parse_args(shlex.split(command)[1:])
        except SystemExit:
            refused.append(f"{page}: {command}")
    assert not refused, refused
