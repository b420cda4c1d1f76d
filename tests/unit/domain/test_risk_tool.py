"""The risk tool: the shipped default parses, bad files are refused precisely, scoring bands."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spokeapp.domain.errors import SpokeError, ValidationError
from spokeapp.domain.records import AssessmentType, RiskAssessment
from spokeapp.domain.risk_tool import RiskTool, RiskToolError, parse_risk_tool

DEFAULT_TOOL = Path(__file__).resolve().parents[3] / "resources" / "risk_tools" / "default.json"


def default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_TOOL.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def tool() -> RiskTool:
    return parse_risk_tool(default_data())


def small_tool_data() -> dict[str, Any]:
    """A tiny tool: indicators weighted 1, 2 and 5 (max score 16), bands at 0, 4, 10."""
    return {
        "tool_id": "test-tool",
        "version": 3,
        "title": "Test tool",
        "domains": [
            {
                "id": "d1",
                "title": "Domain one",
                "indicators": [
                    {"id": "a", "text": "Indicator A", "weight": 1, "window_days": 90},
                    {"id": "b", "text": "Indicator B", "weight": 2},
                ],
            },
            {
                "id": "d2",
                "title": "Domain two",
                "indicators": [{"id": "c", "text": "Indicator C", "weight": 5}],
            },
        ],
        "bands": [
            {"name": "low", "label": "Low", "min_score": 0, "colour": "#00aa00"},
            {"name": "medium", "label": "Medium", "min_score": 4, "colour": "#aaaa00"},
            {"name": "high", "label": "High", "min_score": 10, "colour": "#aa0000"},
        ],
        "hard_rules": [{"indicator_id": "a", "minimum_level": "high"}],
        "hard_rules_enabled": True,
    }


def error_lines(data: object) -> list[str]:
    with pytest.raises(RiskToolError) as info:
        parse_risk_tool(data)
    assert isinstance(info.value, SpokeError)
    return info.value.problems


# --- the shipped default -----------------------------------------------------------------------


def test_default_tool_parses_with_the_twelve_domains(tool: RiskTool) -> None:
    assert (tool.tool_id, tool.version) == ("spoke-default", 1)
    assert len(tool.domains) == 12
    assert all(2 <= len(d.indicators) <= 4 for d in tool.domains)
    titles = " ".join(d.title.lower() for d in tool.domains)
    for word in (
        "missing",
        "live",
        "school",
        "drugs",
        "family",
        "services",
        "adults",
        "sexual health",
        "wellbeing",
        "places",
        "online",
        "anything else",
    ):
        assert word in titles


def test_default_tool_has_four_coloured_bands_and_hard_rules_switched_off(tool: RiskTool) -> None:
    assert [b.name for b in tool.bands] == ["low", "medium", "high", "very_high"]
    assert tool.hard_rules
    assert tool.hard_rules_enabled is False


def test_default_tool_spans_low_to_very_high(tool: RiskTool) -> None:
    ids = [i.id for i in tool.indicators()]
    assert tool.score({}).level == "low"
    assert tool.score(dict.fromkeys(ids, 2)).level == "very_high"
    assert tool.score(dict.fromkeys(ids, 2)).score == tool.max_score


def test_default_tool_does_not_use_published_tool_wording(tool: RiskTool) -> None:
    text = json.dumps(default_data()).lower()
    assert "seraf" not in text
    assert "barnardo" not in text


def test_tool_round_trips_through_to_dict(tool: RiskTool) -> None:
    assert parse_risk_tool(json.loads(json.dumps(tool.to_dict()))) == tool


# --- malformed files ---------------------------------------------------------------------------


def test_weight_out_of_range_is_located_precisely() -> None:
    data = default_data()
    data["domains"][2]["indicators"][0]["weight"] = 11
    assert error_lines(data) == ["domains[2].indicators[0]: 'weight' must be a whole number 0-10"]


@pytest.mark.parametrize("weight", [2.5, "3", True, -1, None])
def test_weight_must_be_a_whole_number(weight: object) -> None:
    data = small_tool_data()
    data["domains"][0]["indicators"][1]["weight"] = weight
    assert error_lines(data) == ["domains[0].indicators[1]: 'weight' must be a whole number 0-10"]


def test_duplicate_indicator_ids_across_domains_are_refused() -> None:
    data = small_tool_data()
    data["domains"][1]["indicators"][0]["id"] = "a"
    assert error_lines(data) == [
        "domains[1].indicators[0]: indicator id 'a' is already used at domains[0].indicators[0]"
    ]


def test_duplicate_domain_ids_are_refused() -> None:
    data = small_tool_data()
    data["domains"][1]["id"] = "d1"
    assert error_lines(data) == ["domains[1]: domain id 'd1' is used more than once"]


def test_bands_must_start_at_zero_and_rise() -> None:
    data = small_tool_data()
    data["bands"][0]["min_score"] = 1
    data["bands"][2]["min_score"] = 4
    assert error_lines(data) == [
        "bands[0]: the first band must start at 'min_score' 0",
        "bands[2]: 'min_score' must be higher than the band before it",
    ]


def test_unreachable_band_is_refused() -> None:
    data = small_tool_data()
    data["bands"][2]["min_score"] = 17
    assert error_lines(data) == [
        "bands[2]: 'min_score' 17 can never be reached; the highest possible score is 16"
    ]


def test_band_colour_must_be_hex() -> None:
    data = small_tool_data()
    data["bands"][1]["colour"] = "amber"
    assert error_lines(data) == ["bands[1]: 'colour' must be a hex colour like \"#c0392b\""]


def test_duplicate_band_names_are_refused() -> None:
    data = small_tool_data()
    data["bands"][2]["name"] = "medium"
    assert "bands[2]: band name 'medium' is used more than once" in error_lines(data)


def test_hard_rules_must_name_real_indicators_and_bands() -> None:
    data = small_tool_data()
    data["hard_rules"] = [
        {"indicator_id": "zz", "minimum_level": "high"},
        {"indicator_id": "b", "minimum_level": "extreme"},
    ]
    assert error_lines(data) == [
        "hard_rules[0]: 'indicator_id' 'zz' is not an indicator of this tool",
        "hard_rules[1]: 'minimum_level' 'extreme' is not a band of this tool",
    ]


@pytest.mark.parametrize("version", [0, -2, "1", 1.0, None])
def test_version_must_be_a_positive_whole_number(version: object) -> None:
    data = small_tool_data()
    data["version"] = version
    assert error_lines(data) == ["'version' must be a whole number 1 or more"]


def test_every_problem_is_reported_in_one_go() -> None:
    data = small_tool_data()
    data["title"] = ""
    data["hard_rules_enabled"] = "yes"
    data["domains"][0]["indicators"][0]["window_days"] = 0
    data["domains"][1]["indicators"] = []
    data["bands"][0]["name"] = "Low Risk"
    assert error_lines(data) == [
        "'title' must be non-empty text",
        "'hard_rules_enabled' must be true or false",
        "domains[0].indicators[0]: 'window_days' must be a whole number 1-3650",
        "domains[1]: 'indicators' must be a non-empty list",
        "bands[0]: 'name' must be 1-64 lower-case letters, digits, '_', '-' or '.', "
        "starting with a letter or digit",
        # without domain two's indicator the highest score falls from 16 to 6
        "bands[2]: 'min_score' 10 can never be reached; the highest possible score is 6",
    ]


def test_misspelt_keys_are_refused_not_ignored() -> None:
    data = small_tool_data()
    data["hard_rule_enabled"] = True
    data["domains"][0]["indicators"][0]["wieght"] = 1
    assert error_lines(data) == [
        "unknown key 'hard_rule_enabled'",
        "domains[0].indicators[0]: unknown key 'wieght'",
    ]


def test_non_object_parts_are_refused() -> None:
    assert error_lines([1, 2]) == ["the risk tool must be a JSON object"]
    data = small_tool_data()
    data["domains"][0]["indicators"][1] = "B"
    assert "domains[0].indicators[1]: must be an object" in error_lines(data)
    assert error_lines({**small_tool_data(), "domains": {}}) == [
        "'domains' must be a non-empty list",
        "bands[1]: 'min_score' 4 can never be reached; the highest possible score is 0",
        "bands[2]: 'min_score' 10 can never be reached; the highest possible score is 0",
        "hard_rules[0]: 'indicator_id' 'a' is not an indicator of this tool",
    ]


def test_optional_parts_may_be_left_out() -> None:
    data = small_tool_data()
    del data["hard_rules"]
    del data["hard_rules_enabled"]
    tool = parse_risk_tool(data)
    assert tool.hard_rules == ()
    assert tool.hard_rules_enabled is False
    assert tool.indicator("b").window_days is None


# --- scoring -----------------------------------------------------------------------------------


@pytest.fixture
def small() -> RiskTool:
    data = small_tool_data()
    data["hard_rules_enabled"] = False
    return parse_risk_tool(data)


def test_score_is_answer_times_weight_banded_by_minimum(small: RiskTool) -> None:
    assert small.score({"a": 1, "b": 1}) == small.score({"a": 1, "b": 1, "c": 0})
    assert small.score({"a": 1, "b": 1}).score == 3
    assert small.score({"a": 1, "b": 1}).level == "low"
    assert small.score({"a": 2, "b": 1}).level == "medium"  # exactly 4
    assert small.score({"b": 1, "c": 2}).level == "high"  # 12


def test_unknown_indicator_or_answer_is_refused(small: RiskTool) -> None:
    with pytest.raises(RiskToolError, match="unknown indicator 'zz'"):
        small.score({"zz": 1})
    with pytest.raises(RiskToolError, match=r"answers\['a'\]: must be 0"):
        small.score({"a": 3})
    with pytest.raises(RiskToolError):
        small.score({"a": True})


def test_unanswered_indicators_are_listed(small: RiskTool) -> None:
    assert small.unanswered({"b": 0}) == ("a", "c")


def test_hard_rule_raises_level_only_when_enabled_and_answered_significant() -> None:
    enabled = parse_risk_tool(small_tool_data())
    disabled = dataclasses.replace(enabled, hard_rules_enabled=False)
    assert enabled.score({"a": 2}).level == "high"
    assert enabled.score({"a": 2}).raised_by == ("a",)
    assert enabled.score({"a": 2}).score == 2
    assert enabled.score({"a": 1}).level == "low"
    assert disabled.score({"a": 2}).level == "low"
    assert disabled.score({"a": 2}).raised_by == ()


def test_hard_rule_never_lowers_a_level() -> None:
    data = small_tool_data()
    data["hard_rules"] = [{"indicator_id": "a", "minimum_level": "medium"}]
    tool = parse_risk_tool(data)
    result = tool.score({"a": 2, "c": 2})
    assert result.level == "high"
    assert result.raised_by == ()


def test_band_rank_orders_levels(small: RiskTool) -> None:
    assert [small.band_rank(n) for n in ("low", "medium", "high")] == [0, 1, 2]
    with pytest.raises(RiskToolError, match="unknown band 'extreme'"):
        small.band_rank("extreme")


# --- checking an assessment against the tool ---------------------------------------------------


def make_assessment(**changes: Any) -> RiskAssessment:
    base = RiskAssessment(
        id="ra-1",
        case_id="case-1",
        assessment_type=AssessmentType.INITIAL,
        assessed_on=date(2024, 3, 6),
        tool_id="test-tool",
        tool_version=3,
        answers=(("b", 1), ("c", 2)),
        score=12,
        level="high",
    )
    return dataclasses.replace(base, **changes)


def test_assessment_agreeing_with_the_tool_passes(small: RiskTool) -> None:
    small.check_assessment(make_assessment())


def test_assessment_with_wrong_score_level_or_override_is_refused(small: RiskTool) -> None:
    wrong = make_assessment(score=11, level="medium", override_level="extreme")
    with pytest.raises(ValidationError) as info:
        small.check_assessment(wrong)
    assert info.value.fields() == {"score", "level", "override_level"}


def test_assessment_from_another_tool_version_is_refused(small: RiskTool) -> None:
    with pytest.raises(ValidationError, match="tool_version: was not made with tool 'test-tool'"):
        small.check_assessment(make_assessment(tool_version=2))


def test_assessment_with_unknown_indicator_is_refused(small: RiskTool) -> None:
    with pytest.raises(ValidationError, match="answers: include an indicator not in"):
        small.check_assessment(make_assessment(answers=(("zz", 1),)))


def test_parsing_does_not_change_the_input() -> None:
    data = small_tool_data()
    before = copy.deepcopy(data)
    parse_risk_tool(data)
    assert data == before
