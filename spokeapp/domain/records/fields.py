"""The record protocol and the field machinery every record shares: ``to_dict`` / ``from_dict``.

Records are frozen dataclasses; their fields are read and written from their type hints, worked
out once per class (``_field_plan``). ``from_dict`` checks shape and types only and lists every
problem at once, naming fields, never the values entered.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.i18n import translator

tr = translator(__name__)


@runtime_checkable
class Record(Protocol):
    """What every casebook record offers to storage, sync, search and the UI."""

    KIND: ClassVar[str]
    """Stable name of the record type, used as the key in storage and on the wire."""
    EVENT: ClassVar[bool]
    """True if the record is immutable once finalised (corrected only by an Amendment)."""

    @property
    def id(self) -> str: ...

    @property
    def case_id(self) -> str | None: ...

    def validate(self) -> None: ...

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: object) -> Self: ...

    def searchable_text(self) -> str: ...


RECORD_TYPES: dict[str, type[Record]] = {}
"""Every record class by its KIND, for storage and sync to rebuild records generically.

Defined here, so records can name other kinds in their rules; filled, in the registry's order,
by ``spokeapp.domain.records.registry`` once every record class exists."""


_INVALID: Any = object()


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    """Resolved type hints of a record dataclass's fields, in field order (cached per class)."""
    cached = _HINTS.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls)
        cached = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
        _HINTS[cls] = cached
    return cached


def _optional_inner(hint: Any) -> Any | None:
    """If ``hint`` is ``X | None`` return X, else None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return None


def _pair_key_type(hint: Any) -> Any | None:
    """If ``hint`` is ``tuple[tuple[K, int], ...]`` (a frozen mapping) return K."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis and typing.get_origin(args[0]) is tuple:
            return typing.get_args(args[0])[0]
    return None


def _tuple_item_type(hint: Any) -> Any | None:
    """If ``hint`` is ``tuple[X, ...]`` with a plain X (not a pair), return X."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis and typing.get_origin(args[0]) is not tuple:
            return args[0]
    return None


def _choices(enum_type: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum_type)


def _dump(value: Any) -> Any:
    if isinstance(value, Enum):
        return value._value_  # what ``.value`` returns, without the property's cost
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value


# A field loader: (value, field name, problems) -> loaded value or _INVALID. Made once per
# field from its type hint (``_loader``), so ``from_dict`` does no type-hint reflection per
# call; each one behaves exactly as ``_load`` with the same hint (same values, same problems).
# The scalar ones below serve both: ``_load`` looks them up in ``_SCALAR_LOADERS`` too.
_Loader = typing.Callable[[Any, str, list[Problem]], Any]


def _load_str(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        return value
    problems.append(Problem(name, tr("must be text")))
    return _INVALID


def _load_int(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append(Problem(name, tr("must be a whole number")))
    return _INVALID


def _load_bool(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, bool):
        return value
    problems.append(Problem(name, tr("must be true or false")))
    return _INVALID


def _load_datetime(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, tr("must be a date and time (ISO 8601)")))
    return _INVALID


def _load_date(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, tr("must be a date (YYYY-MM-DD)")))
    return _INVALID


_SCALAR_LOADERS: dict[Any, _Loader] = {
    bool: _load_bool,
    int: _load_int,
    str: _load_str,
    datetime: _load_datetime,
    date: _load_date,
}
"""The one loader for each plain field type, used by ``_load`` and by the field plans."""


def _load(hint: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    inner = _optional_inner(hint)
    if inner is not None:
        return None if value is None else _load(inner, value, name, problems)
    key_type = _pair_key_type(hint)
    if key_type is not None:
        return _load_pairs(key_type, value, name, problems)
    item_type = _tuple_item_type(hint)
    if item_type is not None:
        return _load_items(item_type, value, name, problems)
    scalar = _SCALAR_LOADERS.get(hint)
    if scalar is not None:
        return scalar(value, name, problems)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except (ValueError, TypeError):
            problems.append(
                Problem(name, tr("must be one of {choices}").format(choices=_choices(hint)))
            )
    else:  # pragma: no cover - a field type this module forgot to support is a bug
        raise TypeError(f"unsupported field type for {name}")
    return _INVALID


def _load_pairs(key_type: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    if not isinstance(value, Mapping):
        problems.append(Problem(name, tr("must be an object of names to whole numbers")))
        return _INVALID
    pairs: list[tuple[Any, int]] = []
    count = len(problems)
    for key, number in value.items():
        loaded_key = _load(key_type, key, f"{name}.key", problems)
        loaded_number = _load(int, number, f"{name}.value", problems)
        pairs.append((loaded_key, loaded_number))
    if len(problems) > count:
        return _INVALID
    return tuple(pairs)


def _load_items(item_type: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    if not isinstance(value, list | tuple):
        problems.append(Problem(name, tr("must be a list")))
        return _INVALID
    count = len(problems)
    items = tuple(_load(item_type, item, f"{name}[{i}]", problems) for i, item in enumerate(value))
    return _INVALID if len(problems) > count else items


def _loader(hint: Any) -> _Loader:
    """The field loader for ``hint`` (see ``_load``, whose behaviour it reproduces)."""
    inner = _optional_inner(hint)
    if inner is not None:
        load_inner = _loader(inner)

        def load_optional(value: Any, name: str, problems: list[Problem]) -> Any:
            return None if value is None else load_inner(value, name, problems)

        return load_optional
    scalar = _SCALAR_LOADERS.get(hint)
    if scalar is not None:
        return scalar
    if isinstance(hint, type) and issubclass(hint, Enum):
        # Each member with its value's type, looked up once: ``Enum.value`` is a property
        # that cost ~1.4 µs a read, ten reads a session record.
        members: dict[Any, tuple[Any, type]] = {}
        for member in hint:
            members.setdefault(member.value, (member, type(member.value)))
        enum_type = hint

        def load_enum(value: Any, name: str, problems: list[Problem]) -> Any:
            try:
                found = members.get(value)
            except TypeError:  # unhashable: let the enum itself refuse it
                found = None
            if found is not None and type(value) is found[1]:
                return found[0]
            return _load(enum_type, value, name, problems)

        return load_enum

    def load_other(value: Any, name: str, problems: list[Problem]) -> Any:
        return _load(hint, value, name, problems)

    return load_other


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldPlan:
    """How one record class reads and writes its fields, worked out once from its hints."""

    names: frozenset[str]
    #: (name, loader, required) in field order.
    loads: tuple[tuple[str, _Loader, bool], ...]
    #: (name, is a tuple) of each date or date-and-time field (``date``, ``datetime``, either
    #: ``| None`` or ``tuple[..., ...]``), in field order: what ``checks.dates_in_range`` asks.
    dated: tuple[tuple[str, bool], ...]
    #: (name, is a frozen mapping) in field order.
    dumps: tuple[tuple[str, bool], ...]


def _date_kind(hint: Any) -> bool | None:
    """For a date or date-and-time field's hint: False (one value, perhaps ``| None``) or True
    (``tuple[date, ...]``); None for any other field."""
    hint = _optional_inner(hint) or hint
    item = _tuple_item_type(hint)
    if item in (date, datetime):
        return True
    return False if hint in (date, datetime) else None


def dated_fields(cls: type[Any]) -> tuple[tuple[str, bool], ...]:
    """(name, is a tuple) of each date or date-and-time field of a record class, in field
    order (worked out once per class, with its field plan)."""
    return _field_plan(cls).dated


_PLANS: dict[type[Any], _FieldPlan] = {}
#: Types ``_dump`` returns unchanged (exact types: an Enum or date subclass is not among them).
_PLAIN: frozenset[type[Any]] = frozenset({str, int, bool, float, type(None)})


def _field_plan(cls: type[Any]) -> _FieldPlan:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _field_hints(cls)
        fields = dataclasses.fields(cls)
        plan = _FieldPlan(
            names=frozenset(f.name for f in fields),
            loads=tuple(
                (
                    f.name,
                    _loader(hints[f.name]),
                    f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING,
                )
                for f in fields
            ),
            dated=tuple(
                (f.name, many) for f in fields
                if (many := _date_kind(hints[f.name])) is not None
            ),
            dumps=tuple((f.name, _pair_key_type(hints[f.name]) is not None) for f in fields),
        )
        _PLANS[cls] = plan
    return plan


class _RecordFields:
    """Shared to_dict/from_dict for the record dataclasses below, driven by their type hints."""

    __slots__ = ()

    KIND: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict: ISO dates, enum values, frozen mappings as objects."""
        result: dict[str, Any] = {}
        plain = _PLAIN
        for name, pairs in _field_plan(type(self)).dumps:
            value = getattr(self, name)
            if pairs:
                result[name] = {str(_dump(k)): v for k, v in value}
            elif type(value) in plain:
                result[name] = value
            else:
                result[name] = _dump(value)
        return result

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Rebuild a record from :meth:`to_dict` output (e.g. parsed JSON).

        Checks presence and types of every field and rejects unknown fields (refusing data
        from a newer app version rather than silently dropping part of it). Raises
        ValidationError listing every problem; does not apply the business rules of
        ``validate()``.
        """
        if not isinstance(data, Mapping):
            raise ValidationError([Problem(cls.KIND, tr("must be an object of field values"))])
        problems: list[Problem] = []
        plan = _field_plan(cls)
        names = plan.names
        for key in data:
            if key not in names:
                problems.append(
                    Problem(str(key), tr("is not a field of {kind}").format(kind=cls.KIND))
                )
        kwargs: dict[str, Any] = {}
        for name, load, required in plan.loads:
            if name not in data:
                if required:
                    problems.append(Problem(name, tr("is required")))
                continue
            kwargs[name] = load(data[name], name, problems)
        if problems:
            raise ValidationError(problems)
        return cls(**kwargs)
