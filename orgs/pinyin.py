"""Pinyin search keys of organization names: the initials (塔元庄村党支部 → "tyzcdzb") and the full
pinyin ("tayuanzhuangcundangzhibu").

The organization picker matches what a user types against these keys with an indexed prefix search,
so they are stored on ``Org`` and never computed per request (170,000 names). They are written by
``Org.save()`` (services, treebeard, the admin) and by the bulk writers (the import, the demo loaders,
the data migration), which call ``name_keys`` themselves.

pypinyin splits a name into words (its phrase dictionary decides polyphones: 银行 → "yh", 长城 → "cc")
and reads each word on its own, so the reading of each word is cached: a province-scale load reads
each distinct word once. pypinyin holds about 60 MB of dictionaries: it is imported only by the
processes that write organization names.
"""

import re
import unicodedata
from functools import lru_cache

INITIALS_MAX = 100  # Org.name_initials.max_length (a name has at most 100 characters)
PINYIN_MAX = 255  # Org.name_pinyin.max_length: a prefix key, cut at the column's length
_NOT_KEY = re.compile(r"[^0-9a-z]+")


def search_key(text: str) -> str:
    """What a typed query or a non-Chinese part of a name becomes: lowercase letters and digits only."""
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text or "").lower())


@lru_cache(maxsize=100_000)
def _word(word: str) -> tuple[str, str]:
    """(initials, pinyin) of one word as pypinyin's segmenter cut it."""
    from pypinyin import lazy_pinyin
    from pypinyin.constants import RE_HANS

    if not RE_HANS.match(word):
        key = search_key(word)
        return key, key
    syllables = [s for s in (search_key(s) for s in lazy_pinyin(word, errors="ignore")) if s]
    return "".join(s[0] for s in syllables), "".join(syllables)


def name_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of an organization name, lowercase ASCII; other characters are kept as
    lowercase letters and digits (第3党支部 → "d3dzb")."""
    from pypinyin.seg.simpleseg import seg

    text = unicodedata.normalize("NFKC", name or "")
    initials, full = [], []
    for word in seg(text):
        first, whole = _word(word)
        initials.append(first)
        full.append(whole)
    return "".join(initials)[:INITIALS_MAX], "".join(full)[:PINYIN_MAX]


def fill_name_keys(org, cache: dict | None = None) -> None:
    """Set ``org.name_initials`` and ``org.name_pinyin`` from ``org.name`` (no save).

    ``cache`` (name → keys) lets a bulk writer compute each distinct name once.
    """
    if cache is None:
        org.name_initials, org.name_pinyin = name_keys(org.name)
        return
    keys = cache.get(org.name)
    if keys is None:
        keys = cache[org.name] = name_keys(org.name)
    org.name_initials, org.name_pinyin = keys
