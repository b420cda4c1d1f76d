"""The house rules run inside the test suite, so a broken rule fails the build."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "spokeapp"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "spokeapp", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_outside_ui() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    """Only spokeapp.ui imports Qt; domain imports nothing else of the project; the layers
    ui -> present -> sync -> store -> crypto -> domain point down; the hub imports neither
    spokeapp.store nor spokeapp.ui, and of spokeapp.sync only the protocol; spokeapp.present
    imports neither PySide6 nor spokeapp.ui; spokeapp.i18n imports nothing of the project
    (pyproject.toml, [tool.importlinter])."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken" in result.stdout


def _modules(folder: Path) -> Iterator[tuple[str, Path, ast.Module]]:
    """Every module below ``folder`` (inside spokeapp): dotted name, path, parsed tree."""
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _signal_helper_names(name: str, tree: ast.Module) -> set[str]:
    """What ``spokeapp.ui.signals`` (the module) is called in module ``name``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias, imported in zip(node.names, _imported(name, node), strict=True):
                if imported == "spokeapp.ui.signals":
                    names.add(alias.asname or alias.name)
    return names


def emits_past_the_helper(folder: Path) -> list[str]:
    """``file:line`` of every ``<something>.emit`` below ``folder`` (called, or handed on as a
    bound method, e.g. ``connect(other.emit)``) that is not the helper
    ``spokeapp.ui.signals.emit``, outside the helper's own module."""
    found = []
    for name, path, tree in _modules(folder):
        if name == "spokeapp.ui.signals":
            continue
        helper = _signal_helper_names(name, tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr == "emit"
                    and ast.unparse(node.value) not in helper):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_every_signal_is_emitted_through_the_helper() -> None:
    """PySide6 6.12.0 steals a reference to True on every ``SignalInstance.emit()`` from
    Python, and Python aborts a few thousand emits later: every emit in spokeapp.ui goes
    through ``spokeapp.ui.signals.emit(signal, *args)``, which gives the reference back."""
    found = emits_past_the_helper(SOURCE / "ui")
    assert not found, (
        "emit signals with spokeapp.ui.signals.emit(signal, *args), not signal.emit(*args) "
        "(see that module's docstring):\n" + "\n".join(found)
    )


#: The heading of docs/architecture.md's checked picture of the parts.
PICTURE_HEADING = "## Who may import whom"


def documented_picture(text: str) -> dict[str, set[str]]:
    """The first fenced block under ``PICTURE_HEADING``: ``part -> other, parts`` a line
    (``part -> nothing`` for a part that imports no other); an indented line carries on the
    list of the line above."""
    _, found, after = text.partition(PICTURE_HEADING + "\n")
    assert found, f"docs/architecture.md has no section {PICTURE_HEADING!r}"
    block = re.search(r"^```[^\n]*\n(.*?)^```", after, re.MULTILINE | re.DOTALL)
    assert block, f"no fenced block under {PICTURE_HEADING!r} in docs/architecture.md"
    picture: dict[str, set[str]] = {}
    part = ""
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        if line[0].isspace() and part:
            targets = line
        else:
            part, arrow, targets = (s.strip() for s in line.partition("->"))
            assert arrow, f"not 'part -> parts': {line!r}"
            assert part not in picture, f"{part} is drawn twice"
            picture[part] = set()
        picture[part] |= {t.strip() for t in targets.split(",")} - {"nothing", ""}
    return picture


def _part(module: str) -> str:
    """The top-level part a project module belongs to: ``spokeapp.sync.engine`` ->
    ``spokeapp.sync`` (``spokeapp`` itself for the package's ``__init__``)."""
    return ".".join(module.split(".")[:2])


def _imported(name: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The absolute names an import statement in module ``name`` imports."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = name.split(".")
        if not (SOURCE.joinpath(*package[1:]) / "__init__.py").exists():
            package = package[:-1]  # a plain module: relative to its package
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    # ``from spokeapp import paths`` imports the part spokeapp.paths
    yield from (f"{base}.{alias.name}" for alias in node.names)


def real_picture() -> dict[str, set[str]]:
    """Which top-level parts of spokeapp import which others (anywhere in a module: at the
    top, inside functions, under TYPE_CHECKING)."""
    top = {f"spokeapp.{p.stem}" for p in SOURCE.iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    picture: dict[str, set[str]] = {part: set() for part in top}
    for name, _, tree in _modules(SOURCE):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for imported in _imported(name, node):
                if imported.split(".")[0] != "spokeapp":
                    continue
                target = _part(imported)
                if target not in top:  # an attribute of spokeapp/__init__.py (__version__)
                    target = "spokeapp"
                if target != _part(name):
                    picture.setdefault(_part(name), set()).add(target)
    return picture


def picture_differences(documented: dict[str, set[str]], real: dict[str, set[str]]) -> list[str]:
    """Every way the documented picture and the real imports differ, in words."""
    problems = [f"{part} is drawn but there is no such part in spokeapp/"
                for part in sorted(documented.keys() - real.keys())]
    problems += [f"{part} is a part of spokeapp/ that the picture leaves out"
                 for part in sorted(real.keys() - documented.keys())]
    for part in sorted(documented.keys() & real.keys()):
        problems += [f"{part} -> {target} is drawn but no import of {part} uses it"
                     for target in sorted(documented[part] - real[part])]
        problems += [f"{part} imports {target}, which the picture does not draw"
                     for target in sorted(real[part] - documented[part])]
    return problems


def test_the_documented_picture_of_the_parts_is_the_real_one() -> None:
    """docs/architecture.md's "Who may import whom" draws exactly the imports between the top
    parts of spokeapp: no arrow that no import uses, no import that is not drawn."""
    documented = documented_picture((ROOT / "docs" / "architecture.md").read_text("utf-8"))
    problems = picture_differences(documented, real_picture())
    assert not problems, (
        "docs/architecture.md, " + PICTURE_HEADING[3:] + ", differs from the code; change the "
        "picture (or the import):\n" + "\n".join(problems)
    )


def test_tests_never_write_under_the_real_home() -> None:
    """Every default folder (the worker's profile, the PostgreSQL hub's high-water mark) lies
    in the test run's own temporary home (tests/conftest.py), not the user's."""
    from pathlib import Path

    from spokeapp.hub.backup import mark_path
    from spokeapp.paths import data_root

    home = Path.home().resolve()
    for path in (mark_path("postgresql+psycopg://postgres@/spoke_test", "h-1"),
                 data_root()):
        assert home not in path.resolve().parents, path


def test_tests_name_no_fixed_folder_outside_their_own() -> None:
    """A test writes only under its own temporary folder (``tmp_path``): a path literal such as
    "/tmp/shots/x.png" or "~/..." in a test is a file left behind on every run (one test saved
    screenshots into /tmp/shots17).
    """
    fixed = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "tests").rglob("*.py")) if path != Path(__file__)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and node.value.startswith(("/tmp/", "/var/tmp/", "~/", "/root/", "/home/"))
    )
    assert fixed == [], f"fixed folders named in tests: {fixed}"


#: Module-level containers that are filled once and then only read, each with its reason
#: (docs/architecture.md, "One way to do each thing": no module-level mutable state).
ALLOWED_MODULE_CONTAINERS = {
    # The record kinds, registered once at import by spokeapp.domain.records.registry.
    ("spokeapp/domain/records/fields.py", "RECORD_TYPES"),
    # Memoised pure functions of a record class (its type hints, its field plan).
    ("spokeapp/domain/records/fields.py", "_HINTS"),
    ("spokeapp/domain/records/fields.py", "_PLANS"),
}
_MUTABLE_FACTORIES = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque",
                      "WeakKeyDictionary", "WeakValueDictionary", "WeakSet"}


def _empty_mutable(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.Dict, ast.List, ast.Set)):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    if isinstance(value, ast.Call):
        name = value.func.attr if isinstance(value.func, ast.Attribute) else (
            value.func.id if isinstance(value.func, ast.Name) else "")
        return name in _MUTABLE_FACTORIES
    return False


def module_state_breaches(source: Path) -> list[str]:
    """``file:line name`` for each module-level container made to be filled at run time, and
    each ``global`` statement, under ``source``."""
    found: list[str] = []
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if (isinstance(target, ast.Name) and _empty_mutable(value)
                        and (relative, target.id) not in ALLOWED_MODULE_CONTAINERS):
                    found.append(f"{relative}:{node.lineno} {target.id}")
        found += [f"{relative}:{node.lineno} global {', '.join(node.names)}"
                  for node in ast.walk(tree) if isinstance(node, ast.Global)]
    return found


def test_no_module_level_mutable_state() -> None:
    """What a running hub or engine keeps belongs to whoever made it (create_app, serve, the
    engine's run), never to a module: no module-level container filled at run time, no
    ``global``."""
    assert module_state_breaches(SOURCE) == []


def test_the_module_state_check_catches_a_cache(tmp_path: Path) -> None:
    package = tmp_path / "spokeapp"
    package.mkdir()
    (package / "cache.py").write_text(
        "import weakref\n_seen: dict[str, int] = {}\n_by_engine = weakref.WeakKeyDictionary()\n"
        "LIMITS = {'push': 4}\n\ndef bump() -> None:\n    global COUNT\n", encoding="utf-8")
    assert module_state_breaches(package) == [
        "spokeapp/cache.py:2 _seen", "spokeapp/cache.py:3 _by_engine",
        "spokeapp/cache.py:7 global COUNT"]


def test_only_the_engine_and_enrolled_client_sign_in_as_the_laptop() -> None:
    """Every token request rotates the laptop's refresh token; a connection that does not keep
    the new one gets the laptop locked at its next sync (a supervisor opening the Team page
    did). So only the engine and ``spokeapp.sync.enrolled`` make a ``HubClient`` from the
    stored account; everything else asks ``enrolled_client`` (tests/integration/hub/test_team.py
    holds the behaviour)."""
    allowed = {"spokeapp.sync.client", "spokeapp.sync.engine", "spokeapp.sync.enrolled"}
    makers = sorted(
        f"{name}:{node.lineno}"
        for name, _path, tree in _modules(SOURCE)
        if name not in allowed
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name) and node.func.id == "HubClient"
    )
    assert makers == [], f"HubClient made outside the engine and enrolled_client: {makers}"
