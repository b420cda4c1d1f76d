"""Shared by the benchmarks: figures over several runs, loud checks, a durable PostgreSQL.

* :class:`Figures` collects one value per run for each named figure and prints
  ``min / median / max`` with the target beside it; the target is judged on the median.
* :func:`check` stops the benchmark loudly when it did not exercise the path it names
  (a figure from a path that did not run is worse than no figure).
* :func:`durable_postgres` starts a throwaway PostgreSQL cluster with production durability
  (``fsync``, ``synchronous_commit`` and ``full_page_writes`` on), or off when asked, and
  :func:`pg_settings` reads back from the server what is in effect, to print beside figures.
* Importing it points XDG_DATA_HOME and its kin at a temporary folder: a benchmark and the
  hubs it starts write nothing under the real home.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# A benchmark writes nothing under the real home: the hubs it starts keep their high-water
# marks and backup keys under XDG_DATA_HOME (platformdirs), the app its settings under
# XDG_CONFIG_HOME. Every benchmark imports this module first, and its child processes inherit
# the variables; the folder goes when the benchmark ends.
_HOME = tempfile.mkdtemp(prefix="spoke-bench-home-")
for _name, _sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                    ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
    os.environ[_name] = os.path.join(_HOME, _sub)
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)

DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")


class BenchmarkCheckFailed(SystemExit):
    """The benchmark did not measure what it says it measures."""


def check(condition: object, message: str) -> None:
    """Stop with exit code 3 and a loud message unless ``condition`` holds."""
    if not condition:
        print(f"\n*** BENCHMARK CHECK FAILED: {message}", file=sys.stderr, flush=True)
        raise BenchmarkCheckFailed(3)


def spread(samples: list[float], fmt: str = "{:.0f}") -> str:
    """``min a / median b / max c`` (one value: just that value, marked as one run)."""
    if len(samples) == 1:
        return f"{fmt.format(samples[0])} (1 run)"
    return (f"min {fmt.format(min(samples))} / median {fmt.format(statistics.median(samples))}"
            f" / max {fmt.format(max(samples))}")


@dataclass
class Figure:
    label: str
    unit: str
    target: str
    meets: Callable[[float], bool] | None
    fmt: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ok(self) -> bool:
        return self.meets is None or (bool(self.samples) and self.meets(self.median))


class Figures:
    """Per-run values of named figures; ``report()`` prints them and says if targets are met."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._figures: dict[str, Figure] = {}

    def add(self, label: str, value: float, unit: str, target: str = "(no target)",
            meets: Callable[[float], bool] | None = None, fmt: str = "{:.0f}") -> None:
        figure = self._figures.setdefault(label, Figure(label, unit, target, meets, fmt))
        figure.samples.append(value)

    def report(self) -> bool:
        print(f"\n== {self.title}", flush=True)
        width = max((len(f.label) for f in self._figures.values()), default=10)
        ok = True
        for figure in self._figures.values():
            verdict = "" if figure.meets is None else ("OK" if figure.ok else "MISSED")
            ok = ok and figure.ok
            target = "" if figure.target == "(no target)" else f"   target {figure.target}"
            print(f"{figure.label:<{width}}  {spread(figure.samples, figure.fmt)} "
                  f"{figure.unit}{target}   {verdict}".rstrip(), flush=True)
        print("targets judged on the median; runs: "
              f"{max((len(f.samples) for f in self._figures.values()), default=0)}", flush=True)
        return ok


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# ------------------------------------------------------------------------------ PostgreSQL
def _server_class() -> type:
    from tests.helpers.postgres import PostgresServer

    class DurablePostgresServer(PostgresServer):  # type: ignore[misc,valid-type]
        """tests/helpers/postgres.py's server, started with the durability asked for (the
        test helper switches it off; production runs with it on)."""

        def __init__(self, bin_dir: Path, durable: bool) -> None:
            super().__init__(bin_dir)
            self.durable = durable

        def start(self) -> None:
            import shutil

            self.socket_dir.mkdir()
            if self.as_root:
                shutil.chown(self.root, "postgres", "postgres")
                shutil.chown(self.socket_dir, "postgres", "postgres")
            # --no-sync only skips initdb's own final flush of the new cluster's files (setup);
            # the server below runs with the settings given.
            self._run("initdb", "-D", str(self.data), "-U", self.superuser, "--auth=trust",
                      "-E", "UTF8", "--no-sync", "--locale=C")
            flag = "on" if self.durable else "off"
            options = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                f"-c fsync={flag} -c synchronous_commit={flag} -c full_page_writes={flag} "
                "-c max_connections=100"
            )
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                      str(self.root / "server.log"), "-w", "-t", "60", "start")

    return DurablePostgresServer


@contextmanager
def durable_postgres(durable: bool = True) -> Iterator[object]:
    """A running throwaway PostgreSQL server with durability on (production) or off;
    checks from the server itself that the settings took."""
    from tests.helpers.postgres import find_bin_dir

    bin_dir = find_bin_dir()
    check(bin_dir is not None, "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")
    server = _server_class()(bin_dir, durable)
    try:
        server.start()
        settings = pg_settings(server)
        wanted = "on" if durable else "off"
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            check(settings[name] == wanted,
                  f"PostgreSQL {name} is {settings[name]!r}, the benchmark asked for {wanted}")
        yield server
    finally:
        server.stop()


def pg_settings(server: object) -> dict[str, str]:
    """``SHOW`` each durability setting, asked of the running server."""
    import psycopg

    with psycopg.connect(host=str(server.socket_dir), port=server.port,  # type: ignore[attr-defined]
                         user=server.superuser, dbname="postgres",  # type: ignore[attr-defined]
                         autocommit=True) as conn:
        return {name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
                for name in DURABILITY_SETTINGS}


def describe_settings(settings: dict[str, str]) -> str:
    durable = all(settings[n] == "on" for n in ("fsync", "synchronous_commit",
                                                  "full_page_writes"))
    words = ", ".join(f"{k}={v}" for k, v in settings.items())
    return f"PostgreSQL {'DURABLE (production)' if durable else 'DURABILITY OFF'}: {words}"


# ------------------------------------------------------------------------------ realistic text
_ONSETS = ("b", "br", "d", "dr", "f", "g", "gl", "h", "k", "l", "m", "n", "p", "pl", "r", "s",
           "sk", "st", "t", "tr", "v", "w", "z", "ch", "sh", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "oo", "ou", "y")
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "m", "nd", "rk", "st", "x")


class Vocabulary:
    """A made-up language: ``size`` distinct words built from syllables (obviously fictional,
    e.g. "brailo", "stoundex"), drawn with a Zipf-like frequency (rank r has weight 1/r^s), as
    words are in real notes: a few very common, most rare. Deterministic for a seed.

    ``words[0]`` is the most common. ``note(rng, n)`` draws ``n`` words."""

    def __init__(self, size: int = 4000, seed: int = 20260, exponent: float = 1.0) -> None:
        import random

        rng = random.Random(seed)
        seen: set[str] = set()
        words: list[str] = []
        while len(words) < size:
            syllables = 1 + min(3, int(rng.expovariate(0.8)))
            word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS)
                           for _ in range(syllables)) + rng.choice(_CODAS)
            if 2 <= len(word) <= 16 and word not in seen:
                seen.add(word)
                words.append(word)
        # Common words are short, rare ones long, as in real text (stable: ties keep the
        # seeded order).
        words.sort(key=len)
        self.words = words
        weights = [1.0 / (rank ** exponent) for rank in range(1, size + 1)]
        total = 0.0
        self._cum: list[float] = []
        for weight in weights:
            total += weight
            self._cum.append(total)
        self.total = total

    def share(self, rank: int) -> float:
        """The chance that one drawn word is the word of this (0-based) rank."""
        return 1.0 / (rank + 1) / self.total

    def note(self, rng: object, words: int) -> str:
        return " ".join(rng.choices(self.words, cum_weights=self._cum, k=words))  # type: ignore[attr-defined]

    def note_chars(self, rng: object, chars: int) -> str:
        """About ``chars`` characters of text (cut at a word boundary or at ``chars``)."""
        text = self.note(rng, max(1, chars // 6 + 4))
        while len(text) < chars:
            text += " " + self.note(rng, 8)
        return text[:chars]

    def common(self, count: int = 20) -> list[str]:
        return self.words[:count]

    def rare(self, count: int = 200) -> list[str]:
        """Words from the rarest half (each a tiny share of all words written)."""
        return self.words[len(self.words) // 2:][:count]

    def middling(self, count: int = 100) -> list[str]:
        """Words ranked 100-300: everyday, not everywhere."""
        return self.words[100:100 + count]
