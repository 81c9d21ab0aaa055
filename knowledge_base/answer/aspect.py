"""Which fact of a procedure a question asks for (documents, fee, time, …).

A small rule table of regular expressions matched on *folded* text (``knowledge_base.text.normalize.fold``,
then lower case, punctuation removed and chat shorthand expanded: "j" → "gi", "ko" → "khong", "bn" → "bao
nhieu", …). The same rules therefore cover Vietnamese with and without diacritics, teencode and English.

Priority (when a question matches several aspects, the first in this order is the primary one):

1. ``where``       — "nộp ở đâu", "lấy tờ khai ở đâu": the place wins over whatever is being fetched there.
2. ``time``        — "bao lâu có kết quả": the duration wins over the result.
3. ``fee``         — "có được miễn phí không": the money wins over the yes/no eligibility pattern.
4. ``documents``   — "thủ tục gồm giấy tờ gì": the list wins over the generic "thủ tục".
5. ``result``      — "được nhận giấy gì", "kết quả là gì".
6. ``steps``       — "làm thế nào", "nộp online được không": the weak, generic how-to words.
7. ``eligibility`` — "có được không", "điều kiện", "ai được", "can I": the weakest yes/no pattern.

Anything else is ``general``. When a question has several clauses ("cần giấy tờ gì và lệ phí bao nhiêu"), the
primary aspect of the first clause that asks something comes first.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from knowledge_base.text.normalize import fold as fold_marks


class Aspect(StrEnum):
    DOCUMENTS = "documents"
    FEE = "fee"
    TIME = "time"
    STEPS = "steps"
    WHERE = "where"
    RESULT = "result"
    ELIGIBILITY = "eligibility"
    GENERAL = "general"


# Chat shorthand → folded full word (applied token by token after folding).
_SHORTHAND: dict[str, str] = {
    "j": "gi",
    "ji": "gi",
    "gj": "gi",
    "k": "khong",
    "ko": "khong",
    "kh": "khong",
    "hok": "khong",
    "hk": "khong",
    "hong": "khong",
    "khg": "khong",
    "kg": "khong",
    "dc": "duoc",
    "dk": "dang ky",
    "dky": "dang ky",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "bnhieu": "bao nhieu",
    "nhiu": "nhieu",
    "ntn": "nhu the nao",
    "ns": "noi",
    "odau": "o dau",
    "mn": "moi nguoi",
    "tt": "thu tuc",
    "hs": "ho so",
    "onl": "online",
    "thj": "thi",
    "vs": "voi",
    "ng": "nguoi",
}

# Rule table: (aspect, alternatives) in priority order; matched with re.search on folded text.
_RULES: tuple[tuple[Aspect, tuple[str, ...]], ...] = (
    (
        Aspect.WHERE,
        (
            r"\bo dau\b",
            r"\bcho nao\b",
            r"\bnoi nao\b",
            r"\bdia chi\b",
            r"\bco quan nao\b",
            r"\bcap nao\b",
            r"\b(nop|lam|den|toi|ra|xin|lay|dang ky|cap) (o|tai) (dau|xa|phuong|huyen|tinh|so|ubnd|uy ban)",
            r"\btai dau\b",
            r"\bdau (nhi|vay|a|ah|the)?\s*$",
            r"\bo (xa|phuong|huyen|tinh) (hay|hoac)\b",
            r"\bwhere\b",
            r"\bwhich (office|agency|authority|place)\b",
            r"\baddress\b",
        ),
    ),
    (
        Aspect.TIME,
        (
            r"\bbao lau\b",
            r"\bmay ngay\b",
            r"\bmay hom\b",
            r"\bmay tuan\b",
            r"\bmay thang\b",
            r"\bmay gio\b",
            r"\bbao nhieu (ngay|hom|tuan|thang|gio|lau)\b",
            r"\bthoi gian\b",
            r"\bthoi han\b",
            r"\bbao gio (thi )?(co|lay|nhan|xong|duoc)\b",
            r"\bkhi nao (thi )?(co|lay|nhan|xong|duoc)\b",
            r"\bmat (bao )?lau\b",
            r"\blau (khong|ko|qua)\b",
            r"\bnhanh (khong|nhat)\b",
            r"\bhen (tra|ngay)\b",
            r"\bhow long\b",
            r"\bhow many (days|weeks|hours|months)\b",
            r"\bprocessing time\b",
            r"\bwhen (will|can|do) i\b",
            r"\bhow (soon|fast|quick)\b",
            r"\btakes? long\b",
            r"\bhow much time\b",
        ),
    ),
    (
        Aspect.FEE,
        (
            r"\bbao nhieu tien\b",
            r"\b(het|ton|mat|tra|dong|nop) (bao nhieu|nhieu)\b(?! (ngay|hom|tuan|thang|gio|lau|ban|buoc))",
            r"\b(het|ton|mat|tra|dong|nop) (phi|tien|le phi)\b",
            r"\ble phi\b",
            r"\bphi\b",
            r"\bmien phi\b",
            r"\bchi phi\b",
            r"\bgia (bao nhieu|tien|ca)\b",
            r"\btien (le phi|phi)\b",
            r"\bbao nhieu (dong|nghin|ngan)\b",
            r"\bco (mat|ton) tien\b",
            r"\bmat tien\b",
            r"\bton tien\b",
            r"\bhow much\b(?! time)",
            r"\bcosts?\b",
            r"\bfee[s]?\b",
            r"\bprice\b",
            r"\bcharge[sd]?\b",
            r"\bfor free\b",
            r"\bis it free\b",
            r"\b(do|to) pay\b",
        ),
    ),
    (
        Aspect.DOCUMENTS,
        (
            r"\bgiay to\b",
            r"\bgiay (gi|nao)\b",
            r"\bho so (gom|can|co|phai|nhung|bao gom|chuan bi|ra sao|nhu the nao)\b",
            r"\bthanh phan ho so\b",
            r"\bbo ho so\b",
            r"\bchuan bi (nhung |cac )?(gi|ho so|giay)\b",
            r"\bcan (phai )?(mang|chuan bi|nop|co|dem|xuat trinh)? ?(theo )?(nhung |cac )?(gi|thu gi)\b",
            r"\b(mang|dem) (theo )?(nhung |cac )?(gi|giay|ho so)\b",
            r"\bto khai\b",
            r"\bmau don\b",
            r"\bdon (mau|gi)\b",
            r"\b(may|bao nhieu) ban\b",
            r"\bcan nhung gi\b",
            r"\bgom nhung gi\b",
            r"\bdocument[s]?\b",
            r"\bpapers?\b",
            r"\bpaperwork\b",
            r"\bwhat (do|should|must) i (need|bring|prepare|submit)\b",
            r"\bwhat (is|are) (needed|required)\b",
            r"\bneed to (bring|prepare|submit)\b",
            r"\b(application )?form[s]?\b",
            r"\bbring\b",
        ),
    ),
    (
        Aspect.RESULT,
        (
            r"\bket qua\b",
            r"\b(duoc )?nhan (duoc )?(gi|cai gi|giay gi)\b",
            r"\bnhan lai (gi|duoc gi)\b",
            r"\bduoc (cap|nhan) (gi|giay gi|cai gi)\b",
            r"\bcap cho (gi|minh gi)\b",
            r"\bsau khi (lam|xong)\b.*\b(gi|nhan)\b",
            r"\bwhat (will|do) i (get|receive)\b",
            r"\bresult\b",
            r"\boutcome\b",
            r"\bwhat do i get\b",
        ),
    ),
    (
        Aspect.STEPS,
        (
            r"\bthe nao\b",
            r"\bnhu nao\b",
            r"\bra sao\b",
            r"\bcac buoc\b",
            r"\bnhung buoc\b",
            r"\bmay buoc\b",
            r"\bbuoc (nao|dau|mot|1)\b",
            r"\bquy trinh\b",
            r"\btrinh tu\b",
            r"\blam sao\b",
            r"\bcach (lam|thuc hien|dang ky|nop|xin)\b",
            r"\bhuong dan\b",
            r"\bcan lam gi\b",
            r"\bphai lam gi\b",
            r"\bonline\b",
            r"\btruc tuyen\b",
            r"\bqua mang\b",
            r"\btren mang\b",
            r"\bdich vu cong\b",
            r"\bdvc\b",
            r"\bvneid\b",
            r"\bqua (buu dien|buu chinh)\b",
            r"\bhow (to|do i|can i|should i|does it work)\b",
            r"\bsteps?\b",
            r"\bprocess\b",
            r"\bprocedure for\b",
        ),
    ),
    (
        Aspect.ELIGIBILITY,
        (
            r"\bco duoc (khong|ko)?\b",
            r"\bduoc (khong|ko)\b",
            r"\bdieu kien\b",
            r"\bai (duoc|co the|phai)\b",
            r"\bdoi tuong\b",
            r"\bco the .*\bkhong\s*$",
            r"\bco phai\b",
            r"\bduoc phep\b",
            r"\bco ai\b",
            r"\bai lam\b",
            r"\byeu cau (gi|nhung gi)\b",
            r"\bcan i\b",
            r"\bam i\b",
            r"\beligib\w*",
            r"\bwho can\b",
            r"\ballowed\b",
            r"\bmay i\b",
            r"\bcondition[s]?\b",
            r"\bqualif\w*",
            r"\brequirement[s]?\b",
        ),
    ),
)


@functools.cache
def _rules() -> tuple[tuple[Aspect, re.Pattern[str]], ...]:
    """The rule table compiled (once, on first use)."""
    return tuple((aspect, re.compile("|".join(alternatives))) for aspect, alternatives in _RULES)


def fold(text: str) -> str:
    """Lower case, tone marks removed, đ → d, punctuation → spaces, chat shorthand expanded."""
    stripped = re.sub(r"[^\w\s]|_", " ", fold_marks(text or "").lower())
    return " ".join(_SHORTHAND.get(token, token) for token in stripped.split())


def _matches(folded: str) -> list[Aspect]:
    return [aspect for aspect, pattern in _rules() if pattern.search(folded)]


def _clauses(text: str) -> list[str]:
    """The question cut into clauses at punctuation and at "và" / "and" ("cần gì và phí bao nhiêu")."""
    pieces = re.split(r"[,;?!\n]+", text)
    return [c for piece in pieces for c in _CONJUNCTION.split(fold(piece)) if c.strip()]


_CONJUNCTION = re.compile(r"\b(?:va|and|cung nhu|voi lai|kem theo)\b")


def detect_aspects(text: str) -> list[Aspect]:
    """Every aspect the question asks about, primary first.

    Within one clause the priority order of the module docstring decides; across clauses the order of
    mention does ("cần giấy tờ gì và lệ phí bao nhiêu" → documents, fee).
    """
    found: list[Aspect] = []
    for clause in _clauses(text):
        matched = _matches(clause)
        if matched and matched[0] not in found:
            found.append(matched[0])
    found += [aspect for aspect in _matches(fold(text)) if aspect not in found]
    return found or [Aspect.GENERAL]


def detect_aspect(text: str) -> Aspect:
    """The primary aspect of a question; ``Aspect.GENERAL`` when nothing specific is asked."""
    return detect_aspects(text)[0]


# Words that carry no topic in a follow-up ("thế còn lệ phí thì sao ạ?", "what about the fee?").
_FILLER_TEXT = """
    a ah ak a1 ad oi oii nhe nha nhi nhe vay the thi sao con ve cho hoi minh em anh chi toi tui bac chau co
    ban ok u uh um roi nua gi j the nao the a thua voi giup lam duoc khong ko k hay la neu o bao nhieu lau
    what about how and the a an of for it this that is are do does can i you me my please so then also
    tell much long where when who which why there any take submit to need bring get pay apply file
    nop ho so nhan mang can phai
"""
_FILLER = frozenset(_FILLER_TEXT.split())


def topic_words(text: str) -> list[str]:
    """The folded words of ``text`` left after removing every aspect phrase and filler word.

    Empty for a pure follow-up ("còn lệ phí thì sao?", "nộp ở đâu", "what about the fee?"); non-empty when the
    question names something ("thế còn khai tử thì sao?" → ["khai", "tu"]).
    """
    folded = fold(text)
    for _, pattern in _rules():
        folded = pattern.sub(" ", folded)
    return [w for w in folded.split() if w not in _FILLER and not w.isdigit()]
