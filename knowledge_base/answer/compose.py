"""A short answer (≤ 1,000 characters, plain text) about one aspect of one catalogue procedure.

Every answer has the same frame: (the ambiguity list when retrieval was unsure,) the procedure name and code,
the level, the aspect's facts, and the official source link. Facts the catalogue lacks are said in the text
and listed in ``Answer.missing`` (stable keys, see ``MISSING_KEYS``), never invented.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from knowledge_base.answer import shorten
from knowledge_base.answer.aspect import Aspect, fold
from knowledge_base.answer.messages import SUGGESTED_CODES, language, message
from knowledge_base.schema import (
    ChannelKind,
    Fee,
    Level,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    SubmissionChannel,
    TimeUnit,
)

MAX_CHARS = 1000
MAX_BUTTONS = 5
MAX_DOCUMENTS = 6
MAX_STEPS = 5
MAX_LINES = 6  # conditions / result lines
PORTAL_URL = "https://dichvucong.gov.vn"

# Keys of Answer.missing: the fact the catalogue does not give.
MISSING_KEYS = (
    "documents", "fee", "time", "time_unit", "steps", "address", "result", "conditions", "audiences",
    "level", "source_url",
)  # fmt: skip

ASPECT_BUTTONS = (Aspect.DOCUMENTS, Aspect.FEE, Aspect.TIME, Aspect.WHERE, Aspect.STEPS)
_CHANNEL_ORDER = (ChannelKind.IN_PERSON, ChannelKind.ONLINE, ChannelKind.POSTAL)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # a Rasa intent payload: "/ask_aspect{...json...}"


@dataclass
class Answer:
    text: str
    buttons: list[Button] = field(default_factory=list)
    source_url: str = ""
    code: str = ""
    aspect: Aspect = Aspect.GENERAL
    missing: list[str] = field(default_factory=list)


def intent_payload(intent: str, **entities: str) -> str:
    """``/intent{"key":"value"}`` — the payload format Rasa parses as intent + entities."""
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------- helpers


@dataclass
class _Body:
    lines: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _length(lines: Sequence[str]) -> int:
    return sum(len(line) for line in lines) + max(len(lines) - 1, 0)


def _fit(lines: Sequence[str], budget: int) -> list[str]:
    """Whole lines while they fit in ``budget`` characters; the first one that does not is truncated."""
    kept: list[str] = []
    for line in lines:
        room = budget - _length([*kept, line]) + len(line)
        if len(line) <= room:
            kept.append(line)
            continue
        if room >= 40:
            kept.append(shorten.truncate(line, room))
        break
    return kept


def _take(head: list[str], items: Sequence[str], budget: int, more: Callable[[int], str], limit: int) -> list[str]:
    """``head``, as many ``items`` as fit (at most ``limit``), then ``more(n_left)`` if some are left."""
    chosen: list[str] = []
    for index, item in enumerate(items):
        left = len(items) - index - 1
        tail = [more(left)] if left else []
        if len(chosen) >= limit or _length([*head, *chosen, item, *tail]) > budget:
            break
        chosen.append(item)
    left = len(items) - len(chosen)
    return _fit([*head, *chosen, *([more(left)] if left else [])], budget)


def display_name(procedure: Procedure, limit: int = 150) -> str:
    """The procedure name without the leading "Thủ tục ", capitalised, on one line, at most ``limit``."""
    name = re.sub(r"^\s*thủ tục\s+", "", shorten.squash(procedure.name), flags=re.IGNORECASE)
    name = name[:1].upper() + name[1:] if name else procedure.code
    return shorten.truncate(name, limit)


def _levels(procedure: Procedure, lang: str) -> str:
    """The levels in words, e.g. "Cấp xã, Cấp tỉnh" (+ ", có yếu tố nước ngoài" for foreigners' variants)."""
    if procedure.levels:
        text = ", ".join(dict.fromkeys(message(lang, f"level.{level.value}") for level in procedure.levels))
    else:
        text = shorten.squash(procedure.levels_text) or message(lang, "unknown_level")
    tagged = procedure.foreign and "nước ngoài" not in procedure.name.lower()
    return text + message(lang, "foreign_tag") if tagged else text


_LEVEL_ORDER = (Level.XA, Level.HUYEN, Level.TINH, Level.BO, Level.KHAC)


def _local_first(levels: Iterable[Level]) -> list[Level]:
    """Distinct levels, the one nearest to the citizen first (xã before tỉnh before bộ)."""
    return sorted(set(levels), key=_LEVEL_ORDER.index)


def _number(value: float, lang: str) -> str:
    text = f"{value:g}" if value != int(value) else str(int(value))
    return text.replace(".", ",") if lang == "vi" else text


def _money(amount: int, lang: str) -> str:
    grouped = f"{amount:,}"
    return message(lang, "fee.amount", amount=grouped.replace(",", ".") if lang == "vi" else grouped)


def _channels(procedure: Procedure) -> list[SubmissionChannel]:
    return sorted(procedure.channels, key=lambda c: _CHANNEL_ORDER.index(c.kind))


def _per_channel(procedure: Procedure, lang: str, render: Callable[[SubmissionChannel], str]) -> list[tuple[str, str]]:
    """(channel names, value) with channels of equal value merged: "Trực tiếp, Trực tuyến: Miễn phí"."""
    merged: dict[str, list[str]] = {}
    for channel in _channels(procedure):
        name = message(lang, f"channel.{channel.kind.value}")
        names = merged.setdefault(render(channel), [])
        if name not in names:
            names.append(name)
    return [(", ".join(names), value) for value, names in merged.items()]


# ---------------------------------------------------------------------------------------------- facts

_AMOUNT_PREFIX = re.compile(r"^\s*(?:miễn phí|\d[\d.,]*\s*(?:việt nam đồng|vnđ|vnd|đồng|đ)?)\s*", re.IGNORECASE)
_MONEY_WORDS = re.compile(r"đồng|usd|phí|vnđ", re.IGNORECASE)


def _fee_parts(fee: Fee, description: str, lang: str) -> tuple[str, str]:
    """(amount wording, detail) for one channel; ("", "") when the catalogue gives nothing."""
    text = shorten.squash(fee.text)
    if fee.free or fee.amount_vnd == 0:
        amount = message(lang, "fee.free")
    elif fee.amount_vnd is not None:
        amount = _money(fee.amount_vnd, lang)
    elif text:
        return shorten.truncate(text.replace("Việt Nam Đồng", "đồng").replace(" /", "/"), 150), ""
    else:
        return "", ""
    detail = _AMOUNT_PREFIX.sub("", text, count=1).strip()
    unit = re.match(r"^\(?(/\s*[\wà-ỹ]+)\)?\s*", detail)
    if unit:
        amount += unit.group(1).replace(" ", "")
        detail = detail[unit.end() :]
    detail = detail.strip(" ()")
    if not detail and description and _MONEY_WORDS.search(description):
        detail = description
    return amount, shorten.truncate(detail, 200) if detail else ""


def _fee_value(channel: SubmissionChannel, lang: str, with_detail: bool = True) -> str:
    amount, detail = _fee_parts(channel.fee, shorten.squash(channel.description), lang)
    if not amount:
        return message(lang, "fee.unknown")
    return f"{amount} ({detail})" if detail and with_detail else amount


def _time_value(time: ProcessingTime, lang: str) -> str:
    if time.value is not None:
        value = _number(time.value, lang)
        if time.unit == TimeUnit.UNKNOWN:
            return message(lang, "time.no_unit", value=value)
        unit = f"time.unit.{time.unit.value}" + (".one" if time.value == 1 else "")
        return message(lang, "time.value", value=value, unit=message(lang, unit))
    text = shorten.squash(time.text)
    return shorten.truncate(text, 120) if text else message(lang, "time.unknown")


def _has_fee(procedure: Procedure) -> bool:
    return any(_fee_parts(c.fee, "", "vi")[0] for c in procedure.channels)


def _has_time(procedure: Procedure) -> bool:
    return any(c.time.value is not None or shorten.squash(c.time.text) for c in procedure.channels)


def _unitless(procedure: Procedure) -> bool:
    return any(c.time.value is not None and c.time.unit == TimeUnit.UNKNOWN for c in procedure.channels)


_NOTE_START = re.compile(
    r"^(trường hợp|nếu|lưu ý|\*\s*lưu ý|đối với|người tiếp nhận|cá nhân có quyền|người có yêu cầu|"
    r"người yêu cầu|bản chụp|giấy tờ do cơ quan có thẩm quyền của nước ngoài|cơ quan đăng ký|việc )",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^(trường hợp|nếu|đối với)|trong trường hợp|\(nếu", re.IGNORECASE)
_FORM = re.compile(r"^(tờ khai|đơn|mẫu|phiếu|văn bản đề nghị|bản khai)", re.IGNORECASE)


def _counts_zero(document: RequiredDocument) -> bool:
    copies = shorten.squash(document.copies)
    known = document.original is not None or document.copy_count is not None or bool(copies)
    zero = not document.original and not document.copy_count and (not copies or copies.startswith("0"))
    return known and zero


_GROUP_KINDS = (  # on the folded group label; anything else non-empty is a "case" ("Trường hợp …")
    ("note", re.compile(r"^\W*luu y")),
    ("present", re.compile(r"^\W*(cac )?(giay to|chung tu) (phai )?xuat trinh\W*$")),
    ("submit", re.compile(r"^\W*(cac )?(giay to|chung tu) phai nop\W*$")),
    ("main", re.compile(r"^\W*(\w\W+)?(thanh phan )?(ho so|giay to)?\W*$")),
)


@functools.lru_cache(maxsize=4096)
def _group_kind(group: str) -> str:
    folded = fold(group)
    return next((kind for kind, pattern in _GROUP_KINDS if pattern.search(folded)), "case")


def is_note(document: RequiredDocument) -> bool:
    """True for the portal's explanatory rows listed as documents ("Trường hợp …", "Lưu ý", "… sau:")."""
    name = shorten.strip_bullet(shorten.squash(document.name))
    if _group_kind(document.group) == "note" or not name:
        return True
    return name.endswith(":") or (_counts_zero(document) and bool(_NOTE_START.match(name)))


def real_documents(procedure: Procedure) -> list[RequiredDocument]:
    return [d for d in procedure.documents if not is_note(d)]


def _copies(document: RequiredDocument, lang: str) -> str:
    original, copy = document.original, document.copy_count
    if original is None and copy is None:
        text = shorten.squash(document.copies)
        found = re.findall(r"(\d+)\s*bản\s*(chính|sao)", text, flags=re.IGNORECASE)
        if not found and text and not text.startswith("0"):
            return text if lang == "vi" else ""
        for number, kind in found:
            if kind.lower() == "chính":
                original = int(number)
            else:
                copy = int(number)
    parts = []
    if original:
        parts.append(message(lang, "documents.original", n=original))
    if copy:
        parts.append(message(lang, "documents.copy", n=copy))
    return ", ".join(parts)


def _document_line(document: RequiredDocument, lang: str) -> str:
    copies = _copies(document, lang)
    name = shorten.brief(document.name, 95, min_sentence=12)
    return f"- {name} ({copies})" if copies else f"- {name}"


def _group_heading(group: str, kind: str, lang: str) -> str:
    if kind != "case":
        return message(lang, f"documents.group.{kind}")
    return shorten.truncate(shorten.strip_bullet(shorten.squash(group)).rstrip(": "), 80) + ":"


_NON_GEOGRAPHIC = re.compile(r"(khong phu thuoc (vao )?|phi )dia gioi hanh chinh")
_NON_RESIDENCE = re.compile(r"khong phu thuoc (vao )?noi cu tru")


def _all_text(procedure: Procedure) -> str:
    """The folded free text where the portal states filing rules; "" when no such rule can be in it."""
    parts: Iterable[str] = [
        procedure.address,
        procedure.conditions,
        *procedure.agencies,
        *procedure.steps,
        *(c.description for c in procedure.channels),
        *(d.name for d in procedure.documents),
    ]
    text = " ".join(parts)
    lowered = text.lower()
    return fold(text) if "phụ thuộc" in lowered or "địa giới" in lowered else ""


def _clean_result(text: str) -> str:
    return re.sub(r"\s*Mã:\s*KQ\.[\w.]+.*$", "", shorten.squash(text), flags=re.DOTALL).strip()


# ---------------------------------------------------------------------------------------------- aspects


_GROUP_ORDER = {"main": 0, "submit": 1, "present": 2, "case": 3}


def _document_rank(name: str) -> int:
    """Forms first ("Tờ khai", "Đơn", then other forms), then plain documents, conditional ones last."""
    form = _FORM.match(name)
    if form:
        return 0 if form.group(1).lower() in ("tờ khai", "đơn") else 1
    return 3 if _CONDITIONAL.search(name[:140]) else 2


def _documents(p: Procedure, lang: str, budget: int) -> _Body:
    documents = real_documents(p)
    if not documents:
        return _Body([message(lang, "documents.missing")], ["documents"])
    groups = [shorten.squash(d.group) for d in documents]
    first_seen = {group: n for n, group in reversed(list(enumerate(groups)))}
    kinds = {group: _group_kind(group) for group in first_seen}
    headings = {group: _group_heading(group, kinds[group], lang) for group in first_seen}
    # (rank, index) for every document; its line and group computed once
    ranked = sorted((_document_rank(shorten.strip_bullet(shorten.squash(d.name))), n) for n, d in enumerate(documents))
    lines = {n: _document_line(documents[n], lang) for _, n in ranked[: MAX_DOCUMENTS * 4]}

    def render(chosen: list[tuple[int, int]]) -> list[str]:
        out: list[str] = []
        for group in sorted(first_seen, key=lambda g: (_GROUP_ORDER[kinds[g]], first_seen[g])):
            members = [n for _, n in sorted(chosen) if groups[n] == group]
            if members:
                out.append(headings[group])
                out.extend(lines[n] for n in members)
        left = len(documents) - len(chosen)
        return [*out, message(lang, "documents.more", n=left)] if left else out

    chosen: list[tuple[int, int]] = []
    for item in ranked[: MAX_DOCUMENTS * 4]:  # try the best-ranked ones; skip those too long for the room left
        if len(chosen) >= MAX_DOCUMENTS:
            break
        if _length(render([*chosen, item])) <= budget:
            chosen.append(item)
    return _Body(_fit(render(chosen), budget))


def _fee(p: Procedure, lang: str, budget: int) -> _Body:
    if not _has_fee(p):
        return _Body([message(lang, "fee.missing")], ["fee"])
    rows = _per_channel(p, lang, lambda c: _fee_value(c, lang))
    return _Body(_fit([message(lang, "fee.title"), *(f"- {names}: {value}" for names, value in rows)], budget))


def _time(p: Procedure, lang: str, budget: int) -> _Body:
    if not _has_time(p):
        return _Body([message(lang, "time.missing")], ["time"])
    rows = _per_channel(p, lang, lambda c: _time_value(c.time, lang))
    lines = [message(lang, "time.title"), *(f"- {names}: {value}" for names, value in rows)]
    return _Body(_fit(lines, budget), ["time_unit"] if _unitless(p) else [])


def _steps(p: Procedure, lang: str, budget: int) -> _Body:
    steps: list[str] = []
    for step in p.steps:
        if re.match(r"^\W*lưu ý", step.strip(), flags=re.IGNORECASE):
            break
        text = shorten.brief(step, 140)
        if text:
            steps.append(text)
    online = [message(lang, "steps.online")] if _has_channel(p, ChannelKind.ONLINE) else []
    if not steps:
        return _Body(_fit([message(lang, "steps.missing"), *online], budget), ["steps"])
    numbered = [f"{n}. {text}" for n, text in enumerate(steps, 1)]
    room = budget - (_length(online) + 1 if online else 0)
    lines = _take([message(lang, "steps.title")], numbered, room, lambda n: message(lang, "steps.more", n=n), MAX_STEPS)
    return _Body([*lines, *online])


def _has_channel(p: Procedure, kind: ChannelKind) -> bool:
    return any(c.kind == kind for c in p.channels)


def _where(p: Procedure, lang: str, budget: int) -> _Body:
    lines = [message(lang, "where.title")]
    lines += [f"- {message(lang, f'where.{level.value}')}" for level in _local_first(p.levels)]
    if not p.levels and shorten.squash(p.levels_text):
        lines.append(f"- {shorten.squash(p.levels_text)}")
    agencies = shorten.squash("; ".join(a.rstrip(". ") for a in p.agencies))
    address = shorten.squash(p.address)
    if agencies:
        lines.append(message(lang, "where.agencies", agencies=shorten.truncate(agencies, 200)))
    if address:
        lines.append(message(lang, "where.address", address=shorten.truncate(address, 250)))
    for channel in _channels(p):
        description = shorten.squash(channel.description)
        if channel.kind == ChannelKind.IN_PERSON and description and not _MONEY_WORDS.search(description):
            text = re.sub(r"^(nộp\s+)?trực tiếp\s+", "", shorten.brief(description, 160), flags=re.IGNORECASE)
            lines.append(message(lang, "where.in_person", text=text))
            break
    notes = []
    text = _all_text(p)
    if _NON_GEOGRAPHIC.search(text):
        notes.append(message(lang, "where.no_boundary"))
    elif _NON_RESIDENCE.search(text):
        notes.append(message(lang, "where.no_residence"))
    if _has_channel(p, ChannelKind.ONLINE):
        notes.append(message(lang, "where.online"))
    if _has_channel(p, ChannelKind.POSTAL):
        notes.append(message(lang, "where.postal"))
    missing = []
    if not agencies and not address:
        missing.append("address")
        notes.append(message(lang, "where.missing"))
    room = budget - _length(notes) - (1 if notes else 0)
    return _Body([*_fit(lines, room), *notes], missing)


def _result(p: Procedure, lang: str, budget: int) -> _Body:
    result = _clean_result(p.result)
    if not result:
        return _Body([message(lang, "result.missing")], ["result"])
    return _Body(_fit([message(lang, "result.title"), shorten.truncate(result, 300)], budget))


def _eligibility(p: Procedure, lang: str, budget: int) -> _Body:
    lines: list[str] = []
    missing: list[str] = []
    if p.audiences:
        lines.append(message(lang, "eligibility.audiences", audiences=shorten.truncate(", ".join(p.audiences), 200)))
    else:
        lines.append(message(lang, "eligibility.no_audiences"))
        missing.append("audiences")
    conditions = [
        ("  + " if line.lstrip().startswith("+") else "- ") + shorten.brief(line, 150)
        for line in p.conditions.splitlines()
        if shorten.strip_bullet(line)
    ]
    if not conditions:
        return _Body(_fit([*lines, message(lang, "eligibility.no_conditions")], budget), [*missing, "conditions"])
    head = [*lines, message(lang, "eligibility.conditions")]
    return _Body(_take(head, conditions, budget, lambda n: message(lang, "more"), MAX_LINES), missing)


def _general(p: Procedure, lang: str, budget: int) -> _Body:
    lines: list[str] = []
    missing: list[str] = []
    if p.levels:
        where = " / ".join(message(lang, f"where.{level.value}") for level in _local_first(p.levels))
        lines.append(message(lang, "general.where", where=shorten.truncate(where, 160)))
    if _has_time(p):
        rows = _per_channel(p, lang, lambda c: _time_value(c.time, lang))
        value = rows[0][1] if len(rows) == 1 else "; ".join(f"{names}: {v}" for names, v in rows)
        lines.append(message(lang, "general.time", time=shorten.truncate(value, 180)))
        missing += ["time_unit"] if _unitless(p) else []
    else:
        missing.append("time")
    if _has_fee(p):
        rows = _per_channel(p, lang, lambda c: _fee_value(c, lang, with_detail=False))
        value = rows[0][1] if len(rows) == 1 else "; ".join(f"{names}: {v}" for names, v in rows)
        noted = any(_fee_parts(c.fee, shorten.squash(c.description), lang)[1] for c in p.channels)
        value = shorten.truncate(value, 180) + (message(lang, "general.fee_notes") if noted else "")
        lines.append(message(lang, "general.fee", fee=value))
    else:
        missing.append("fee")
    documents = real_documents(p)
    if documents:
        lines.append(message(lang, "general.documents", n=len(documents)))
    else:
        missing.append("documents")
    if _has_channel(p, ChannelKind.ONLINE):
        lines.append(message(lang, "general.online"))
    result = _clean_result(p.result)
    if result:
        lines.append(message(lang, "general.result", result=shorten.truncate(result, 150)))
    return _Body(_fit(lines, budget), missing)


_BUILDERS: dict[Aspect, Callable[[Procedure, str, int], _Body]] = {
    Aspect.DOCUMENTS: _documents,
    Aspect.FEE: _fee,
    Aspect.TIME: _time,
    Aspect.STEPS: _steps,
    Aspect.WHERE: _where,
    Aspect.RESULT: _result,
    Aspect.ELIGIBILITY: _eligibility,
    Aspect.GENERAL: _general,
}


# ---------------------------------------------------------------------------------------------- answers


def _ambiguity_lines(candidates: Sequence[Procedure], lang: str) -> list[str]:
    lines = [message(lang, "ambiguous.intro")]
    for n, candidate in enumerate(candidates, 1):
        level = _levels(candidate, lang)
        lines.append(
            message(
                lang,
                "ambiguous.item",
                n=n,
                name=display_name(candidate, 70),
                level=level,
                code=candidate.code,
            )
        )
    lines.append(message(lang, "ambiguous.outro"))
    return lines


def _buttons(
    procedure: Procedure, aspect: Aspect, lang: str, alternatives: Sequence[Procedure], ambiguous: bool
) -> list[Button]:
    aspects = [
        Button(
            message(lang, f"button.{a.value}"),
            intent_payload("ask_aspect", aspect=a.value, code=procedure.code),
        )
        for a in ASPECT_BUTTONS
        if a != aspect
    ]
    choices = [
        Button(
            message(lang, "button.alternative", name=display_name(alt, 40)),
            intent_payload("choose_procedure", code=alt.code),
        )
        for alt in alternatives[:2]
    ]
    return ([*choices, *aspects] if ambiguous else [*aspects, *choices])[:MAX_BUTTONS]


def compose_answer(
    procedure: Procedure,
    aspect: Aspect,
    lang: str = "vi",
    alternatives: Sequence[Procedure] = (),
    ambiguous: bool = False,
) -> Answer:
    """The answer to ``aspect`` of ``procedure`` in ``lang`` ("vi" or "en"), at most ``MAX_CHARS`` long.

    ``alternatives`` are the next retrieval candidates; with ``ambiguous`` the answer starts by listing the
    procedure and up to two alternatives so that the citizen can pick (buttons "Ý bạn là: …").
    """
    lang = language(lang)
    aspect = Aspect(aspect)
    alternatives = [a for a in alternatives if a.code != procedure.code]
    intro = _ambiguity_lines([procedure, *alternatives[:2]], lang) if ambiguous and alternatives else []
    header = [
        message(lang, "header", name=display_name(procedure, 90 if intro else 150), code=procedure.code),
        message(lang, "level_line", levels=_levels(procedure, lang)),
    ]
    url = shorten.squash(procedure.source_url)
    footer = [message(lang, "source", url=url) if url else message(lang, "source_fallback", url=PORTAL_URL)]
    budget = MAX_CHARS - _length([*intro, *header, *footer]) - 2
    body = _BUILDERS[aspect](procedure, lang, budget)
    missing = list(
        dict.fromkeys(
            [
                *([] if procedure.levels or procedure.levels_text else ["level"]),
                *body.missing,
                *([] if url else ["source_url"]),
            ]
        )
    )
    text = "\n".join([*intro, *header, *body.lines, *footer])
    if len(text) > MAX_CHARS:  # the fixed frame alone is too long (extreme names): cut the body harder
        text = "\n".join([*_fit([*intro, *header, *body.lines], MAX_CHARS - len(footer[0]) - 1), *footer])
    return Answer(
        text=text,
        buttons=_buttons(procedure, aspect, lang, alternatives, bool(intro)),
        source_url=url or PORTAL_URL,
        code=procedure.code,
        aspect=aspect,
        missing=missing,
    )


def _suggestions(lang: str) -> list[Button]:
    return [
        Button(message(lang, f"suggest.{code}"), intent_payload("choose_procedure", code=code))
        for code in SUGGESTED_CODES
    ]


def compose_not_found(lang: str = "vi") -> Answer:
    """Out of scope / nothing found: a kind message, what the assistant can do, and suggestion buttons."""
    return compose_message("not_found", lang)


def compose_message(key: str, lang: str = "vi") -> Answer:
    """An answer without a procedure: ``not_found``, ``empty`` (nothing asked) or ``too_long``."""
    lang = language(lang)
    buttons = [] if key == "too_long" else _suggestions(lang)
    return Answer(text=message(lang, key), buttons=buttons, source_url=PORTAL_URL)


__all__ = [
    "MAX_CHARS",
    "Answer",
    "Button",
    "compose_answer",
    "compose_message",
    "compose_not_found",
    "display_name",
    "intent_payload",
]
