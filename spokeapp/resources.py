"""Locating bundled resources (risk tools, icons, demo data) from source, install or frozen app."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from spokeapp.domain.risk_tool import RiskTool, parse_risk_tool


def resources_root() -> Path:
    """``SPOKE_RESOURCES`` if set; the PyInstaller bundle when frozen; else the source tree."""
    env = os.environ.get("SPOKE_RESOURCES")
    if env:
        return Path(env)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def load_risk_tool(path: Path | None = None) -> RiskTool:
    """Read and validate a risk tool file (default: the bundled ``risk_tools/default.json``)."""
    target = path or resource_path("risk_tools", "default.json")
    return parse_risk_tool(json.loads(target.read_text(encoding="utf-8")))
