"""Settings' line about Spoke's version, and the calm notice when the hub's administrator has
approved a newer one (issue 19; the hub side: spokeapp.hub.releases).

The sync engine keeps the hub's answer in the casebook (``spokeapp.sync.engine.RELEASE_SETTING``;
Settings reads it and passes it here), so the notice is there offline too. The running version
is the installed distribution's (pyproject.toml's; the frozen app carries its metadata). Only a
plain release number newer than this one gives a notice, and only an https:// address is
shown: the app opens nothing and downloads nothing itself.
"""

from __future__ import annotations

import json
import re
from importlib import metadata

from spokeapp.i18n import translator

__all__ = ["running_version", "update_notice", "version_line"]

tr = translator(__name__)

_RELEASE = re.compile(r"\d{1,6}(\.\d{1,6}){1,3}")
_URL_LIMIT = 500


def _numbers(version: str) -> tuple[int, ...] | None:
    """``1.2`` -> (1, 2, 0, 0); None for anything but a plain release number."""
    if not _RELEASE.fullmatch(version):
        return None
    parts = tuple(int(part) for part in version.split("."))
    return parts + (0,) * (4 - len(parts))


def running_version() -> str | None:
    """This Spoke's version, or None when it is not installed (run from a bare source tree)."""
    try:
        return metadata.version("spokeapp")
    except metadata.PackageNotFoundError:
        return None


def version_line(running: str | None) -> str:
    if running is None:
        return tr("This Spoke is not installed, so its version is not known.")
    return tr("This laptop has Spoke {version}.").format(version=running)


def update_notice(stored: str | None, running: str | None) -> str | None:
    """The notice for the hub's answer ``stored`` (as the sync engine keeps it), or None:
    nothing approved, not newer than ``running``, or not understood."""
    if not stored or running is None:
        return None
    try:
        answer = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("version"), str):
        return None
    approved, current = _numbers(answer["version"]), _numbers(running)
    if approved is None or current is None or approved <= current:
        return None
    url = answer.get("url")
    if (isinstance(url, str) and url.startswith("https://") and len(url) <= _URL_LIMIT
            and not any(c.isspace() for c in url)):
        return tr("Your organisation has approved Spoke {version}. Your IT contact can install "
                  "it for you, or it is offered at {url}").format(version=answer["version"],
                                                                  url=url)
    return tr("Your organisation has approved Spoke {version}. Ask your IT contact to install "
              "it when it suits you.").format(version=answer["version"])
