"""The hub's configuration as an administrator writes it: a TOML file, ``SPOKE_HUB_*``
variables over it, options over both; secrets only from the environment or their own files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spokeapp.hub.cli import _settings, build_parser, main
from spokeapp.hub.config import (
    CONFIG_KEYS,
    ConfigError,
    HubSettings,
    LoneWorkingSecrets,
    config_environment,
    default_config_path,
    read_config_file,
)

PG_URL = "postgresql+psycopg://spoke@db.test.invalid/spoke"


def _write(folder: Path, text: str, name: str = "hub.toml", mode: int = 0o600) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def _settings_for(argv: list[str]) -> HubSettings:
    """The settings ``spoke-hub`` would run with for ``argv`` (as every command reads them)."""
    args = build_parser().parse_args(argv)
    with config_environment(args.config):
        return _settings(args)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SPOKE_HUB_* from the machine, and the default config folder inside tmp_path."""
    for name in list(os.environ):
        if name.startswith("SPOKE_HUB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


def test_options_override_the_environment_which_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _write(tmp_path, f"""
        database_url = "{PG_URL}"
        host = "127.0.0.1"
        port = 9101
        refresh_idle_days = 30
        log_format = "json"
        shutdown_seconds = 40
        workers = 3
    """.replace("\n        ", "\n"))
    from_file = _settings_for(["serve", "--config", str(config)])
    assert (from_file.port, from_file.refresh_idle_days, from_file.log_format) == (9101, 30,
                                                                                  "json")
    assert (from_file.database_url, from_file.shutdown_seconds, from_file.workers) == (
        PG_URL, 40.0, 3)

    monkeypatch.setenv("SPOKE_HUB_PORT", "9102")
    monkeypatch.setenv("SPOKE_HUB_LOG_FORMAT", "text")
    from_env = _settings_for(["serve", "--config", str(config)])
    assert (from_env.port, from_env.log_format, from_env.refresh_idle_days) == (9102, "text", 30)

    from_options = _settings_for(["serve", "--config", str(config), "--port", "9103",
                                  "--log-format", "json", "--workers", "1"])
    assert (from_options.port, from_options.log_format, from_options.workers) == (9103, "json",
                                                                                 1)
    assert from_options.refresh_idle_days == 30  # still the file's: nothing overrode it
    # The file was laid under the environment only while the command ran.
    assert "SPOKE_HUB_REFRESH_IDLE_DAYS" not in os.environ
    assert os.environ["SPOKE_HUB_PORT"] == "9102"


def test_the_default_file_and_spoke_hub_config_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = default_config_path()
    assert tmp_path in default.parents  # the user config folder (redirected here)
    assert _settings_for(["serve"]).port == 8470  # no file there: the defaults
    default.parent.mkdir(parents=True)
    _write(default.parent, "port = 9201\n")
    assert _settings_for(["serve"]).port == 9201
    named = _write(tmp_path, "port = 9202\n", name="other.toml")
    monkeypatch.setenv("SPOKE_HUB_CONFIG", str(named))
    assert _settings_for(["serve"]).port == 9202
    assert _settings_for(["serve", "--config", str(default)]).port == 9201


def test_a_config_file_named_but_missing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "nowhere.toml"
    assert main(["user", "list", "--config", str(missing)]) == 1
    assert f"No config file at {missing}" in capsys.readouterr().err


@pytest.mark.parametrize("secret", ["smtp_password", "webhook_secret", "sms_secret",
                                    "metrics_token", "database_password"])
def test_a_secret_in_the_file_is_refused_saying_where_it_belongs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: str,
) -> None:
    config = _write(tmp_path, f'port = 9000\n{secret} = "fictional-secret-value"\n')
    assert main(["user", "list", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"{secret} is a secret" in err
    assert f"{secret}_file" in err and f"SPOKE_HUB_{secret.upper()}" in err
    assert "fictional-secret-value" not in err


def test_a_password_inside_the_database_url_is_refused(tmp_path: Path) -> None:
    config = _write(tmp_path,
                    'database_url = "postgresql+psycopg://spoke:hunter2@db.test.invalid/x"\n')
    with pytest.raises(ConfigError, match="database_url carries a password") as caught:
        read_config_file(config)
    assert "hunter2" not in str(caught.value)
    assert "database_password_file" in str(caught.value)


def test_an_unknown_key_is_named_with_the_nearest_known_one(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           ) -> None:
    config = _write(tmp_path, "prot = 9000\n")
    assert main(["user", "list", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "unknown setting 'prot'" in err and "Did you mean port?" in err
    # a section is not a setting either
    with pytest.raises(ConfigError, match="unknown setting 'server'"):
        read_config_file(_write(tmp_path, "[server]\nport = 9000\n"))


@pytest.mark.parametrize(("text", "message"), [
    ('port = "eighty"\n', "port must be a whole number"),
    ("api_docs = 1\n", "api_docs must be true or false"),
    ("watch_seconds = true\n", "watch_seconds must be a number of seconds"),
    ("tls_cert = 5\n", "tls_cert must be a non-empty string"),
    ("port = \n", "is not valid TOML"),
])
def test_a_value_of_the_wrong_type_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_config_file(_write(tmp_path, text))


def test_a_bad_value_in_the_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOKE_HUB_PORT", "eighty")
    with pytest.raises(ConfigError, match="SPOKE_HUB_PORT must be a whole number"):
        HubSettings.from_env()
    monkeypatch.setenv("SPOKE_HUB_PORT", "9000")
    monkeypatch.setenv("SPOKE_HUB_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="SPOKE_HUB_LOG_FORMAT must be one of text, json"):
        HubSettings.from_env()


def test_secrets_come_from_files_the_config_names(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    smtp = _write(tmp_path, "fictional-smtp-password\n", name="smtp", mode=0o640)
    token = _write(tmp_path, "fictional-metrics-token\n", name="token")
    password = _write(tmp_path, "fictional db password/+\n", name="dbpass")
    config = _write(tmp_path, f"""database_url = "{PG_URL}"
smtp_password_file = "{smtp}"
metrics_token_file = "{token}"
database_password_file = "{password}"
""")
    with config_environment(config):
        secrets = LoneWorkingSecrets.from_env()
        settings = HubSettings.from_env()
    assert secrets.smtp_password == "fictional-smtp-password"  # trailing newline dropped
    assert settings.metrics_token == "fictional-metrics-token"
    assert settings.database_url.startswith("postgresql+psycopg://spoke:fictional")
    assert "fictional" not in repr(settings) and "fictional" not in repr(secrets)
    # The environment's own value wins over the file the config names.
    monkeypatch.setenv("SPOKE_HUB_SMTP_PASSWORD", "fictional-from-environment")
    with config_environment(config):
        assert LoneWorkingSecrets.from_env().smtp_password == "fictional-from-environment"
    # An overriding --database gets the password too; the embedded database refuses one.
    with config_environment(config):
        overridden = HubSettings.from_env().with_overrides(
            database_url="postgresql+psycopg://spoke@other.test.invalid/spoke")
        assert "fictional" in overridden.database_url
        with pytest.raises(ConfigError, match="for PostgreSQL"):
            HubSettings.from_env().with_overrides(database_url="sqlcipher:///x/hub.db")


def test_a_secret_file_open_to_every_user_is_refused(tmp_path: Path) -> None:
    token = _write(tmp_path, "fictional-metrics-token\n", name="token", mode=0o644)
    config = _write(tmp_path, f'metrics_token_file = "{token}"\n')
    with config_environment(config), pytest.raises(ConfigError, match="chmod o-rwx"):
        HubSettings.from_env()
    token.chmod(0o600)
    token.write_text("")
    with config_environment(config), pytest.raises(ConfigError, match="is empty"):
        HubSettings.from_env()


def test_every_key_has_its_environment_variable_documented() -> None:
    """docs/hub-admin.md lists each key with its variable: an administrator can look up
    either."""
    guide = (Path(__file__).resolve().parents[3] / "docs" / "hub-admin.md").read_text(
        encoding="utf-8")
    missing = [key.name for key in CONFIG_KEYS
               if f"`{key.name}`" not in guide or f"`{key.env}`" not in guide]
    assert missing == []


def test_the_attachment_limit_comes_from_the_file_the_environment_or_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/attachments.md, "Size limit": 25 MB unless the administrator says otherwise."""
    assert HubSettings.from_env().attachment_max_bytes == 25_000_000
    config = _write(tmp_path, "attachment_max_bytes = 10000000\n")
    assert _settings_for(["serve", "--config", str(config)]).attachment_max_bytes == 10_000_000
    monkeypatch.setenv("SPOKE_HUB_ATTACHMENT_MAX_BYTES", "5000000")
    assert _settings_for(["serve", "--config", str(config)]).attachment_max_bytes == 5_000_000
    assert _settings_for(["serve", "--config", str(config), "--attachment-max-bytes",
                          "2000000"]).attachment_max_bytes == 2_000_000


@pytest.mark.parametrize("value", ["0", "200000001", "-5"])
def test_an_attachment_limit_outside_what_a_hub_may_allow_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SPOKE_HUB_ATTACHMENT_MAX_BYTES", value)
    with pytest.raises(ConfigError, match="SPOKE_HUB_ATTACHMENT_MAX_BYTES must be between 1 "
                       "and 200000000 bytes"):
        HubSettings.from_env()
    monkeypatch.delenv("SPOKE_HUB_ATTACHMENT_MAX_BYTES")
    assert main(["serve", "--database", PG_URL, "--attachment-max-bytes", value]) != 0
    assert "--attachment-max-bytes must be between 1 and 200000000" in capsys.readouterr().err
