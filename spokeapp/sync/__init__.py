"""Sync between the laptop and its hub: wire protocol, HTTP client, engine, connectivity.

Nothing here imports Qt: the engine reports through plain callbacks that the UI bridge
re-emits as signals on the GUI thread.
"""
