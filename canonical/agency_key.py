"""One key per agency, however its name is printed: `agency_key`.

Reports print the same body's name in several ways: full-width or half-width forms, with stray
spaces or punctuation, with or without the province or city in front (洪泽区人民政府 in the
title, 淮安市洪泽区人民政府 in the text). The key is the name

1. in NFKC form (full-width letters, digits and brackets become half-width ones);
2. without spaces and punctuation;
3. without a leading province and/or city (…省, …自治区, …市, …自治州, …地区, …盟) when what is
   left starts with a place of its own (a district, county, county-level city, banner, town or
   street: 洪泽区…, 昆山市…, 卢沟桥街道…), and when that rest is unambiguous in the run: every
   name of the run that comes to the same rest has a prefix compatible with this one (the same
   province and city, or one of them not printed). 北京市朝阳区人民政府 and 长春市朝阳区人民政府
   keep their cities, and a bare 朝阳区人民政府 beside them stays apart from both.

Nothing else is dropped: the end of a name is never touched, so 某区人民政府 and
某区人民政府办公室 (two bodies) never share a key, and a city's own bodies (北京市发展和改革委员会)
keep their city, since what is left (发展和改革委员会) is no place.
The key depends on the run's names (rule 3), so it is worked out for a whole run at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

_PROVINCE = re.compile(r"^(\w{2,7}?(?:省|自治区|特别行政区))")
_CITY = re.compile(r"^(\w{2,7}?(?:自治州|地区|盟|市))")
# A place of its own at the start of the rest: a stem of 2–6 characters, then its level.
_PLACE = re.compile(r"^(\w{2,6}?)(?:自治县|自治旗|新区|街道|区|县|旗|市|镇|乡)")
# Words that end like a place without being one (城乡建设局, 社区服务中心, 市场监管局 …).
_NOT_A_PLACE = ("城乡", "社区", "市场", "城市", "园区", "小区", "景区", "辖区", "人民", "政府")


@dataclass(frozen=True)
class _Split:
    province: str
    city: str
    rest: str


def normalise(name: str) -> str:
    """Steps 1 and 2: the same characters whatever their width, without spaces or punctuation."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def agency_keys(names: Iterable[str | None]) -> dict[str, str]:
    """The key of each name (module docstring), worked out over all of `names` (a run's)."""
    normalised = {name: normalise(name) for name in set(names) if name}
    splits = {n: _splits(n) for n in set(normalised.values())}
    prefixes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for candidates in splits.values():
        for s in candidates:
            prefixes[s.rest].add((s.province, s.city))
    unambiguous = {rest for rest, seen in prefixes.items() if _compatible(seen)}
    keys = {}
    for name, norm in normalised.items():
        # The shortest unambiguous rest; the name itself when none is.
        keys[name] = next((s.rest for s in splits[norm] if s.rest in unambiguous), norm)
    return keys


def _splits(name: str) -> list[_Split]:
    """The ways to drop a leading province and/or city, the most dropped first; the name
    itself (nothing dropped) last."""
    out = [_Split("", "", name)]
    province_match = _PROVINCE.match(name)
    province = province_match.group(1) if province_match else ""
    after_province = name[len(province) :]
    if province and _is_place(after_province):
        out.append(_Split(province, "", after_province))
    city_match = _CITY.match(after_province)
    if city_match and _is_place(rest := after_province[city_match.end() :]):
        out.append(_Split(province, city_match.group(1), rest))
    return out[::-1]


def _is_place(rest: str) -> bool:
    match = _PLACE.match(rest)
    return match is not None and not any(word in match.group(0) for word in _NOT_A_PLACE)


def _compatible(prefixes: set[tuple[str, str]]) -> bool:
    """Could all these (province, city) prefixes name the same place? A part not printed
    agrees with any; two printed ones must be equal. So the bare name (no prefix) goes with one
    place, and with none when two different ones are printed."""
    printed = [p for p in prefixes if p != ("", "")]
    for part in (0, 1):
        values = {p[part] for p in printed if p[part]}
        if len(values) > 1:
            return False
    return True
