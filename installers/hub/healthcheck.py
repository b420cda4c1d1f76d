#!/usr/bin/env python3
"""Exit 0 if this machine's hub says it is ready (``GET /readyz`` answers 200), else 1.

The container image's HEALTHCHECK (installers/hub/Containerfile); usable by any supervisor:

    /opt/spoke-hub/bin/python /opt/spoke-hub/healthcheck.py [--timeout SECONDS]

It reads the hub's own settings (the config file named by SPOKE_HUB_CONFIG or --config, then
the SPOKE_HUB_* variables: spokeapp.hub.config) to find the port and whether it serves TLS,
and asks the hub on loopback: an address of 0.0.0.0 or :: is asked on 127.0.0.1 or ::1.
Over TLS the certificate is not checked: the question never leaves this machine (or the
container's own network namespace) and /readyz carries no secret, only words such as
"database": "ok" (docs/hub-admin.md, "Readiness"). Prints one line saying what failed.
"""

from __future__ import annotations

import argparse
import json
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path


def readyz_url(host: str, port: int, tls: bool) -> str:
    """The loopback address of the hub's /readyz."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - the hub's "every address", asked on loopback
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "::1"
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}/readyz"


def check(url: str, timeout: float) -> tuple[bool, str]:
    """(ready, what to print) for the hub at ``url``."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # loopback only: see the module's docstring
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:  # noqa: S310
            body = json.loads(answer.read())
    except urllib.error.HTTPError as error:  # 503: not ready, with the failed checks
        try:
            failed = json.loads(error.read()).get("failed", [])
        except ValueError:
            failed = []
        return False, f"not ready ({error.code}): {', '.join(failed) or 'no reason given'}"
    except (OSError, ValueError) as error:
        return False, f"no answer from {url}: {type(error).__name__}"
    if body.get("status") != "ready":
        return False, f"not ready: {', '.join(body.get('failed', [])) or body}"
    return True, "ready"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Is this machine's Spoke hub ready?")
    parser.add_argument("--config", type=Path, default=None, metavar="FILE")
    parser.add_argument("--timeout", type=float, default=4.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    from spokeapp.hub.config import ConfigError, HubSettings, config_environment

    try:
        with config_environment(args.config):
            settings = HubSettings.from_env()
    except ConfigError as error:
        print(f"spoke-hub healthcheck: {error}", file=sys.stderr)
        return 1
    ready, words = check(readyz_url(settings.host, settings.port, settings.tls), args.timeout)
    print(f"spoke-hub healthcheck: {words}", file=sys.stdout if ready else sys.stderr)
    return 0 if ready else 1


if __name__ == "__main__":
    raise SystemExit(main())
