"""Curated "related procedures" per life event (``data/related.yaml``).

When a citizen asks about one procedure, the assistant offers the procedures that usually go with it
in the same life event: after "đăng ký khai sinh", the baby's "đăng ký thường trú" and "thẻ BHYT".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["DEFAULT_PATH", "RelatedOffer", "RelatedTable", "load_related"]

DEFAULT_PATH = Path(__file__).parent / "data" / "related.yaml"

# Catalogue codes are one digit, a dot and six digits ("1.001193", "2.000986", "6.003622").
CODE_RE = re.compile(r"^\d\.\d{6}$")
MAX_TITLE = 40


@dataclass(frozen=True)
class RelatedOffer:
    """One procedure offered next to another, with its short button titles."""

    code: str
    title_vi: str
    title_en: str
    event: str

    def title(self, lang: str) -> str:
        """The English title for "en…" languages, the Vietnamese one otherwise."""
        return self.title_en if lang.lower().startswith("en") else self.title_vi


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Procedure(_Strict):
    code: str
    title_vi: str = Field(min_length=1, max_length=MAX_TITLE)
    title_en: str = Field(min_length=1, max_length=MAX_TITLE)

    @field_validator("code", mode="before")
    @classmethod
    def _code_is_text(cls, value: object) -> object:
        # A bare 1.001193 in YAML is a float; it has lost its trailing zeros, so demand a string.
        if not isinstance(value, str):
            raise ValueError(f"code must be a quoted string like '1.001193', got {value!r}")
        return value

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not CODE_RE.match(value):
            raise ValueError(f"code {value!r} does not look like a catalogue code (e.g. '1.001193')")
        return value


class _Bundle(_Strict):
    event: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    title_vi: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    procedures: list[_Procedure] = Field(min_length=2)

    @model_validator(mode="after")
    def _no_duplicate_codes(self) -> _Bundle:
        seen: set[str] = set()
        for procedure in self.procedures:
            if procedure.code in seen:
                raise ValueError(f"bundle {self.event!r} lists code {procedure.code} twice")
            seen.add(procedure.code)
        return self


class _File(_Strict):
    bundles: list[_Bundle] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_events(self) -> _File:
        events = [bundle.event for bundle in self.bundles]
        duplicates = sorted({event for event in events if events.count(event) > 1})
        if duplicates:
            raise ValueError(f"duplicate bundle event ids: {', '.join(duplicates)}")
        return self


@dataclass(frozen=True)
class _BundleRow:
    event: str
    offers: tuple[RelatedOffer, ...]


class RelatedTable:
    """The bundles, queried by procedure code."""

    def __init__(self, bundles: list[_BundleRow]) -> None:
        self._bundles = tuple(bundles)
        self._by_code: dict[str, list[_BundleRow]] = {}
        for bundle in self._bundles:
            for offer in bundle.offers:
                self._by_code.setdefault(offer.code, []).append(bundle)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(bundle.event for bundle in self._bundles)

    def __len__(self) -> int:
        return len(self._bundles)

    def codes(self) -> set[str]:
        """Every procedure code that appears in some bundle."""
        return set(self._by_code)

    def bundle(self, event: str) -> tuple[RelatedOffer, ...]:
        """The procedures of one life event, in order (empty for an unknown event)."""
        for bundle in self._bundles:
            if bundle.event == event:
                return bundle.offers
        return ()

    def for_code(self, code: str, limit: int = 3) -> list[RelatedOffer]:
        """The other procedures of every bundle containing `code`, at most `limit`.

        Bundles are taken in file order; within each, the procedures after `code` come first, then
        the ones before it. A code offered by several bundles is kept once (first occurrence).
        """
        if limit <= 0:
            return []
        code = code.strip()
        seen = {code}
        result: list[RelatedOffer] = []
        for bundle in self._by_code.get(code, ()):
            position = next(i for i, offer in enumerate(bundle.offers) if offer.code == code)
            for offer in bundle.offers[position + 1 :] + bundle.offers[:position]:
                if offer.code in seen:
                    continue
                seen.add(offer.code)
                result.append(offer)
                if len(result) >= limit:
                    return result
        return result


def _parse(path: Path) -> RelatedTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with a 'bundles' list, got {type(data).__name__}")
    parsed = _File.model_validate(data)
    return RelatedTable(
        [
            _BundleRow(
                event=bundle.event,
                offers=tuple(
                    RelatedOffer(code=p.code, title_vi=p.title_vi, title_en=p.title_en, event=bundle.event)
                    for p in bundle.procedures
                ),
            )
            for bundle in parsed.bundles
        ]
    )


@lru_cache(maxsize=1)
def _load_default() -> RelatedTable:
    return _parse(DEFAULT_PATH)


def load_related(path: Path | None = None) -> RelatedTable:
    """The related-procedures table at `path`; the packaged one (cached) when `path` is None.

    Raises pydantic.ValidationError (a ValueError) when the file does not follow the format.
    """
    if path is None:
        return _load_default()
    return _parse(Path(path))
