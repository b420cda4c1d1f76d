"""Presenters: what the pages show and the writes they make, worked out without Qt.

Everything here is plain Python, strictly typed (``mypy --strict``) and never imports PySide6
(an import-linter contract): ``spokeapp.ui`` turns it into widgets. Loaders read the casebook
and run off the GUI thread; writers save to it and run off the GUI thread too.
"""
