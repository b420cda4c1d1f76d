"""The demo's own hub: a real hub on loopback with an embedded, encrypted database.

``spoke demo`` uses it so a newcomer sees sync work without setting anything up: the hub
lives in the demo profile (``hub/hub.db`` with its key beside it), runs in a background thread
of the app on 127.0.0.1 (plain HTTP is accepted only on loopback), and the demo laptop is
enrolled with a one-time code exactly as a worker's would be.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from spokeapp.domain.areas import Area
from spokeapp.domain.errors import SpokeError
from spokeapp.domain.roles import Role
from spokeapp.hub import admin, areas, schema
from spokeapp.hub.app import create_app
from spokeapp.hub.db import create_key_file, make_engine

DEMO_TEAM: Final = "Demo Team"
#: Fictional local authority areas the demo hub lists (``spoke-hub areas``).
DEMO_AREAS: Final = (Area("Demo Shire", ("DM1", "DM2")), Area("Example City", ("EX1", "EX2")),
                     Area("Sample Vale", ("SV1",)))
START_TIMEOUT_S: Final = 30.0


class DemoHubError(SpokeError):
    """The demo hub could not start."""


@dataclass(frozen=True)
class DemoUsers:
    worker_id: str
    supervisor_id: str
    worker_code: str


def hub_url_for(folder: Path) -> str:
    return f"sqlcipher:///{folder / 'hub.db'}"


def create_demo_hub_database(folder: Path) -> tuple[Engine, DemoUsers]:
    """What an administrator does with ``spoke-hub init`` / ``user add`` / ``enrol``."""
    url = hub_url_for(folder)
    create_key_file(folder / "hub.db")
    engine = make_engine(url)
    schema.migrate(engine)
    admin.init_hub(engine, "Demo Charity (fictional)", "Demo Administrator")
    with Session(engine) as session, session.begin():
        worker = admin.add_user(session, "Demo Worker", Role.WORKER, DEMO_TEAM)
        supervisor = admin.add_user(session, "Demo Supervisor", Role.SUPERVISOR, DEMO_TEAM)
        code = admin.create_enrolment_code(session, worker)
        for area in DEMO_AREAS:  # as ``spoke-hub areas add`` would
            areas.add_area(session, area.name, list(area.districts))
    return engine, DemoUsers(worker, supervisor, code)


class DemoHub:
    """A hub served from a background thread; ``url`` once started, ``stop()`` to end it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        config = uvicorn.Config(
            create_app(engine=engine), host="127.0.0.1", port=0, log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="demo-hub", daemon=True)
        self.url = ""

    def start(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise DemoHubError("The demo hub did not start.")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._engine.dispose()
