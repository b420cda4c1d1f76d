"""Keep Spoke's translation catalogue current: ``python scripts/update_translations.py``.

Reads every ``tr("...")``, ``tr.noop("...")`` and ``tr.plural(n, "...", "...")`` with literal
text in ``spokeapp/`` (see ``spokeapp/i18n.py``) and writes the Qt Linguist catalogue
``resources/i18n/spoke_cy.ts`` (Welsh, the first language Spoke's services asked for). Existing
translations are kept; a string no longer in the code keeps its translation marked "vanished"
so a translator's work is never thrown away. Translators open the ``.ts`` in Qt Linguist
(``pyside6-linguist``); ``--release`` compiles each ``.ts`` to the ``.qm`` the app loads.

``--check`` changes nothing and exits 1 when the catalogue is not current (the test run uses
it), or when ``tr`` is given text it cannot read (an f-string, a joined string): translate the
template, then format it: ``tr("Key worker: {name}").format(name=name)``.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "spokeapp"
CATALOGUE_DIR = ROOT / "resources" / "i18n"
LANGUAGES = {"cy_GB": "spoke_cy.ts"}


@dataclass
class Found:
    """What the code asks to be translated: ``{context: [source, ...]}`` in order of first use,
    and the calls whose text cannot be read."""

    messages: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, context: str, text: str) -> None:
        texts = self.messages.setdefault(context, [])
        if text not in texts:
            texts.append(text)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[1] in self.messages.get(key[0], ())


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_tr(node: ast.expr) -> str | None:
    """"call" for ``tr(...)``, "noop"/"plural" for ``tr.noop(...)``/``tr.plural(...)``."""
    if isinstance(node, ast.Name) and node.id == "tr":
        return "call"
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "tr" and node.attr in ("noop", "plural")):
        return node.attr
    return None


def collect(root: Path = SOURCE) -> Found:
    """Every translatable string under ``root``, by module (the context ``tr`` is bound to)."""
    found = Found()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        context = _module_name(path, root)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            kind = _is_tr(node.func)
            if kind is None:
                continue
            texts = node.args[1:3] if kind == "plural" else node.args[:1]
            for arg in texts:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(context, arg.value)
                elif kind != "call" or isinstance(arg, (ast.JoinedStr, ast.BinOp)):
                    where = f"{path.relative_to(root.parent)}:{node.lineno}"
                    found.problems.append(f"{where}: tr is given text it cannot read; "
                                          "translate a literal template, then .format() it")
    return found


def _existing(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    done: dict[tuple[str, str], str] = {}
    # The project's own catalogue, written by this script or Qt Linguist: not untrusted input.
    for context in ET.parse(path).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = translation.text if translation is not None else None
            if text:
                done[(name, message.findtext("source") or "")] = text
    return done


def catalogue(found: Found, language: str, previous: dict[tuple[str, str], str]) -> str:
    """The ``.ts`` text for ``language``: every message found, earlier translations kept."""
    ts = ET.Element("TS", version="2.1", language=language, sourcelanguage="en_GB")
    contexts = {name: list(texts) for name, texts in found.messages.items()}
    vanished: dict[str, list[str]] = {}
    for (name, source) in previous:
        if (name, source) not in found:
            vanished.setdefault(name, []).append(source)
    for name in sorted(set(contexts) | set(vanished)):
        context = ET.SubElement(ts, "context")
        ET.SubElement(context, "name").text = name
        for source in contexts.get(name, []):
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation")
            if (name, source) in previous:
                translation.text = previous[(name, source)]
            else:
                translation.set("type", "unfinished")
        for source in vanished.get(name, []):
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation", type="vanished")
            translation.text = previous[(name, source)]
    ET.indent(ts, space="    ")
    body = ET.tostring(ts, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n"


def release(ts_file: Path, qm_file: Path) -> None:
    """Compile ``ts_file`` with Qt's ``lrelease`` (shipped with PySide6)."""
    subprocess.run(
        [sys.executable, "-c", "from PySide6.scripts.pyside_tool import lrelease; lrelease()",
         str(ts_file), "-qm", str(qm_file), "-silent"],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if the catalogue is not current")
    parser.add_argument("--release", action="store_true", help="also compile .qm files")
    args = parser.parse_args(argv)
    found = collect()
    for problem in found.problems:
        print(problem, file=sys.stderr)
    stale = []
    for language, name in LANGUAGES.items():
        path = CATALOGUE_DIR / name
        text = catalogue(found, language, _existing(path))
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if text != current:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        if args.release and not args.check:
            release(path, path.with_suffix(".qm"))
    total = sum(len(texts) for texts in found.messages.values())
    if args.check and stale:
        print(f"{', '.join(p.name for p in stale)} not current: run "
              "python scripts/update_translations.py", file=sys.stderr)
    elif not args.check:
        print(f"{total} strings in {len(found.messages)} modules; "
              f"{len(stale)} catalogue(s) updated")
    return 1 if (found.problems or (args.check and stale)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
