"""The risk assessment tool, as data.

Local safeguarding partnerships mandate different tools, and published tools are copyright, so
Spoke never hard-codes one: a hub loads a versioned JSON tool (``resources/risk_tools/``) and
this module checks it, scores answers with it, and bands the score into a level. Every
assessment records the tool id and version it was made with, so a hub can move to a new version
without rewriting history.

Scoring: each indicator is answered 0 (no), 1 (some concern) or 2 (significant); the score is
the sum of answer x weight; the level is the highest band whose ``min_score`` the score reaches.
Optional hard rules raise the level to at least a given band when a single indicator is answered
2, however low the total.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.records import RiskAssessment
from spokeapp.i18n import translator

tr = translator(__name__)

__all__ = [
    "ANSWER_VALUES",
    "Band",
    "Domain",
    "HardRule",
    "Indicator",
    "RiskScore",
    "RiskTool",
    "RiskToolError",
    "parse_risk_tool",
]

ANSWER_VALUES = (0, 1, 2)
"""0 = no, 1 = some concern, 2 = significant."""
MAX_WEIGHT = 10
MAX_WINDOW_DAYS = 3650

_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class RiskToolError(SpokeError):
    """A risk tool file is malformed, or answers do not fit the tool.

    ``problems`` lists every problem found, each starting with where it is (for example
    ``domains[2].indicators[0]: 'weight' must be a whole number 0-10``), so an administrator
    can fix an imported tool in one pass.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Indicator:
    """One question in the tool, e.g. "Has stayed out overnight without anyone knowing where".

    ``window_days`` is how far back the worker should look (None: at any time); ``help`` is
    guidance shown beside the question.
    """

    id: str
    text: str
    weight: int
    window_days: int | None = None
    help: str = ""


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of related indicators, e.g. "Missing episodes"."""

    id: str
    title: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Band:
    """A named risk level reached at ``min_score``, with the colour used to show it."""

    name: str
    label: str
    min_score: int
    colour: str


@dataclass(frozen=True, slots=True)
class HardRule:
    """If ``indicator_id`` is answered 2, the level is at least ``minimum_level``."""

    indicator_id: str
    minimum_level: str


@dataclass(frozen=True, slots=True)
class RiskScore:
    """The result of scoring answers: total score and the level it gives.

    ``raised_by`` names the indicators whose hard rule lifted the level above the score's band,
    so the screen can explain why.
    """

    score: int
    level: str
    raised_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RiskTool:
    """A validated, versioned risk tool. Build it with :func:`parse_risk_tool`."""

    tool_id: str
    version: int
    title: str
    domains: tuple[Domain, ...]
    bands: tuple[Band, ...]
    hard_rules: tuple[HardRule, ...] = ()
    hard_rules_enabled: bool = False
    description: str = ""
    licence: str = ""

    def indicators(self) -> Iterator[Indicator]:
        """Every indicator, in the order the tool presents them."""
        for domain in self.domains:
            yield from domain.indicators

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; RiskToolError if the tool has none."""
        for indicator in self.indicators():
            if indicator.id == indicator_id:
                return indicator
        raise RiskToolError([f"answers: unknown indicator '{indicator_id}' in {self._name()}"])

    @property
    def max_score(self) -> int:
        """The highest score possible (every indicator answered "significant")."""
        return sum(i.weight for i in self.indicators()) * max(ANSWER_VALUES)

    def band(self, level: str) -> Band:
        """The band with this name; RiskToolError if the tool has none."""
        for band in self.bands:
            if band.name == level:
                return band
        raise RiskToolError([f"level: unknown band '{level}' in {self._name()}"])

    def band_rank(self, level: str) -> int:
        """Position of a band from lowest (0) upwards, for comparing levels."""
        return self.bands.index(self.band(level))

    def band_for_score(self, score: int) -> Band:
        """The highest band whose minimum the score reaches."""
        reached = [b for b in self.bands if b.min_score <= score]
        return reached[-1] if reached else self.bands[0]

    def unanswered(self, answers: Mapping[str, int]) -> tuple[str, ...]:
        """Indicator ids not yet answered; they count as 0, so the UI should point them out."""
        return tuple(i.id for i in self.indicators() if i.id not in answers)

    def score(self, answers: Mapping[str, int]) -> RiskScore:
        """Score answers (indicator id -> 0, 1 or 2) and band them into a level.

        Unanswered indicators count as 0. Raises RiskToolError for an indicator the tool does
        not have or an answer other than 0, 1 or 2.
        """
        weights = {i.id: i.weight for i in self.indicators()}
        problems: list[str] = []
        for indicator_id, value in answers.items():
            if indicator_id not in weights:
                problems.append(f"answers: unknown indicator '{indicator_id}' in {self._name()}")
            elif isinstance(value, bool) or value not in ANSWER_VALUES:
                problems.append(
                    f"answers['{indicator_id}']: must be 0 (no), 1 (some concern) "
                    "or 2 (significant)"
                )
        if problems:
            raise RiskToolError(problems)
        total = sum(weights[i] * v for i, v in answers.items())
        scored_rank = self.bands.index(self.band_for_score(total))
        rank = scored_rank
        raised_by: list[str] = []
        if self.hard_rules_enabled:
            for rule in self.hard_rules:
                rule_rank = self.band_rank(rule.minimum_level)
                if answers.get(rule.indicator_id) == max(ANSWER_VALUES) and rule_rank > scored_rank:
                    raised_by.append(rule.indicator_id)
                    rank = max(rank, rule_rank)
        return RiskScore(score=total, level=self.bands[rank].name, raised_by=tuple(raised_by))

    def check_assessment(self, assessment: RiskAssessment) -> None:
        """Raise ValidationError if an assessment does not agree with this tool.

        Checks that it was made with this tool and version, answers only this tool's
        indicators, carries the score and level the tool gives, and overrides only to one of
        the tool's bands. Use before finalising an assessment.
        """
        problems: list[Problem] = []
        if (assessment.tool_id, assessment.tool_version) != (self.tool_id, self.version):
            problems.append(Problem("tool_version", tr(
                "was not made with tool '{tool}' version {version}"
            ).format(tool=self.tool_id, version=self.version)))
            raise ValidationError(problems)
        weights = {i.id: i.weight for i in self.indicators()}
        answers = assessment.answer_map
        if any(indicator_id not in weights for indicator_id in answers):
            problems.append(Problem("answers", tr(
                "include an indicator not in tool '{tool}' version {version}"
            ).format(tool=self.tool_id, version=self.version)))
        elif any(value not in ANSWER_VALUES for value in answers.values()):
            problems.append(Problem("answers", tr("each answer must be 0, 1 or 2")))
        else:
            result = self.score(answers)
            if assessment.score != result.score:
                problems.append(Problem("score", tr("does not match the answers")))
            if assessment.level != result.level:
                problems.append(Problem("level", tr("does not match the score")))
        names = {b.name for b in self.bands}
        if assessment.override_level is not None and assessment.override_level not in names:
            problems.append(Problem("override_level", tr(
                "is not a level of tool '{tool}' version {version}"
            ).format(tool=self.tool_id, version=self.version)))
        if problems:
            raise ValidationError(problems)

    def to_dict(self) -> dict[str, Any]:
        """The tool as JSON-safe data; :func:`parse_risk_tool` reads it back unchanged."""
        return {
            "tool_id": self.tool_id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "licence": self.licence,
            "domains": [
                {
                    "id": d.id,
                    "title": d.title,
                    "indicators": [
                        {
                            "id": i.id,
                            "text": i.text,
                            "weight": i.weight,
                            "window_days": i.window_days,
                            "help": i.help,
                        }
                        for i in d.indicators
                    ],
                }
                for d in self.domains
            ],
            "bands": [
                {"name": b.name, "label": b.label, "min_score": b.min_score, "colour": b.colour}
                for b in self.bands
            ],
            "hard_rules": [
                {"indicator_id": r.indicator_id, "minimum_level": r.minimum_level}
                for r in self.hard_rules
            ],
            "hard_rules_enabled": self.hard_rules_enabled,
        }

    def _name(self) -> str:
        return f"tool '{self.tool_id}' version {self.version}"


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

_TOOL_KEYS = {
    "tool_id",
    "version",
    "title",
    "description",
    "licence",
    "domains",
    "bands",
    "hard_rules",
    "hard_rules_enabled",
}
_DOMAIN_KEYS = {"id", "title", "indicators"}
_INDICATOR_KEYS = {"id", "text", "weight", "window_days", "help"}
_BAND_KEYS = {"name", "label", "min_score", "colour"}
_RULE_KEYS = {"indicator_id", "minimum_level"}


class _Reader:
    """Reads one JSON object, recording problems prefixed with where they are."""

    def __init__(self, where: str, data: Mapping[str, Any], allowed: set[str], out: list[str]):
        self.where = where
        self.data = data
        self.out = out
        for key in data:
            if key not in allowed:
                self.problem(f"unknown key '{key}'")

    def problem(self, message: str) -> None:
        self.out.append(f"{self.where}: {message}" if self.where else message)

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"'{key}' must be non-empty text" if required else f"'{key}' must be text")
            return ""
        return value

    def ident(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.problem(
                f"'{key}' must be 1-64 lower-case letters, digits, '_', '-' or '.', "
                "starting with a letter or digit"
            )
            return ""
        return value

    def whole(self, key: str, low: int, high: int | None, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < low
            or (high is not None and value > high)
        ):
            limits = f"{low}-{high}" if high is not None else f"{low} or more"
            self.problem(f"'{key}' must be a whole number {limits}")
            return None
        return value

    def objects(self, key: str, *, required: bool = True) -> list[Mapping[str, Any]]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.problem(f"'{key}' must be a {'non-empty ' if required else ''}list")
            return []
        good: list[Mapping[str, Any]] = []
        for n, item in enumerate(value):
            if isinstance(item, Mapping):
                good.append(item)
            else:
                prefix = f"{self.where}." if self.where else ""
                self.out.append(f"{prefix}{key}[{n}]: must be an object")
                good.append({})
        return good


def parse_risk_tool(data: object) -> RiskTool:
    """Check a parsed JSON risk tool and build a :class:`RiskTool` from it.

    Raises RiskToolError listing every problem, each prefixed with its location (e.g.
    ``domains[2].indicators[0]: 'weight' must be a whole number 0-10``). Checks types and
    ranges, that domain and indicator ids are unique, that bands start at 0, rise strictly and
    can all be reached, and that hard rules name real indicators and bands.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise RiskToolError(["the risk tool must be a JSON object"])
    top = _Reader("", data, _TOOL_KEYS, problems)
    tool_id = top.ident("tool_id")
    version = top.whole("version", 1, None)
    title = top.text("title")
    description = top.text("description", required=False)
    licence = top.text("licence", required=False)
    enabled = data.get("hard_rules_enabled", False)
    if not isinstance(enabled, bool):
        top.problem("'hard_rules_enabled' must be true or false")
        enabled = False

    domains: list[Domain] = []
    seen_domains: set[str] = set()
    seen_indicators: dict[str, str] = {}
    for d, raw_domain in enumerate(top.objects("domains")):
        where = f"domains[{d}]"
        reader = _Reader(where, raw_domain, _DOMAIN_KEYS, problems)
        domain_id = reader.ident("id")
        if domain_id in seen_domains:
            reader.problem(f"domain id '{domain_id}' is used more than once")
        seen_domains.add(domain_id)
        indicators: list[Indicator] = []
        for n, raw_indicator in enumerate(reader.objects("indicators")):
            here = f"{where}.indicators[{n}]"
            item = _Reader(here, raw_indicator, _INDICATOR_KEYS, problems)
            indicator_id = item.ident("id")
            if indicator_id and indicator_id in seen_indicators:
                item.problem(
                    f"indicator id '{indicator_id}' is already used at "
                    f"{seen_indicators[indicator_id]}"
                )
            elif indicator_id:
                seen_indicators[indicator_id] = here
            text = item.text("text")
            weight = item.whole("weight", 0, MAX_WEIGHT)
            window = item.whole("window_days", 1, MAX_WINDOW_DAYS, required=False)
            help_text = item.text("help", required=False)
            indicators.append(Indicator(indicator_id, text, weight or 0, window, help_text))
        domains.append(Domain(domain_id, reader.text("title"), tuple(indicators)))

    bands: list[Band] = []
    for b, raw_band in enumerate(top.objects("bands")):
        where = f"bands[{b}]"
        reader = _Reader(where, raw_band, _BAND_KEYS, problems)
        name = reader.ident("name")
        if name and any(existing.name == name for existing in bands):
            reader.problem(f"band name '{name}' is used more than once")
        label = reader.text("label")
        min_score = reader.whole("min_score", 0, None)
        colour = raw_band.get("colour")
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            reader.problem("'colour' must be a hex colour like \"#c0392b\"")
            colour = ""
        if min_score is not None:
            if b == 0 and min_score != 0:
                reader.problem("the first band must start at 'min_score' 0")
            previous = [x.min_score for x in bands]
            if b > 0 and previous and min_score <= previous[-1]:
                reader.problem("'min_score' must be higher than the band before it")
        bands.append(Band(name, label, -1 if min_score is None else min_score, colour))

    max_score = sum(i.weight for d in domains for i in d.indicators) * max(ANSWER_VALUES)
    for b, band in enumerate(bands):
        if band.min_score > max_score:
            problems.append(
                f"bands[{b}]: 'min_score' {band.min_score} can never be reached; "
                f"the highest possible score is {max_score}"
            )

    rules: list[HardRule] = []
    band_names = {band.name for band in bands}
    for r, raw_rule in enumerate(top.objects("hard_rules", required=False)):
        reader = _Reader(f"hard_rules[{r}]", raw_rule, _RULE_KEYS, problems)
        indicator_id = reader.ident("indicator_id")
        minimum_level = reader.ident("minimum_level")
        if indicator_id and indicator_id not in seen_indicators:
            reader.problem(f"'indicator_id' '{indicator_id}' is not an indicator of this tool")
        if minimum_level and minimum_level not in band_names:
            reader.problem(f"'minimum_level' '{minimum_level}' is not a band of this tool")
        if any(rule.indicator_id == indicator_id for rule in rules):
            reader.problem(f"indicator '{indicator_id}' already has a hard rule")
        rules.append(HardRule(indicator_id, minimum_level))

    if problems:
        raise RiskToolError(problems)
    assert version is not None  # no problems means version was read
    return RiskTool(
        tool_id=tool_id,
        version=version,
        title=title,
        domains=tuple(domains),
        bands=tuple(bands),
        hard_rules=tuple(rules),
        hard_rules_enabled=enabled,
        description=description,
        licence=licence,
    )
