"""Entry point for the frozen (PyInstaller) app: the same ``main`` as ``python -m spokeapp``."""

from spokeapp.__main__ import main

raise SystemExit(main())
