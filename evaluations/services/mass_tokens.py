"""The one-time tokens of 群众评议: what is printed on the QR sheet and typed by hand on the entry page.

A token is 16 characters of ``TOKEN_ALPHABET`` (A–Z and 2–9 without the look-alikes 0/O and 1/I/L; about 79 random
bits), printed under its QR code in groups of four (``ABCD-EFGH-JKMN-PQRS``); the entry page and the answer URL
take it in either case, with or without the dashes and spaces (``token_candidates``). Tokens issued before
(``secrets.token_urlsafe(16)``) keep working exactly as printed. Only a token's SHA-256 digest is stored.
"""

import hashlib
import re
import secrets

# 31 characters: A–Z and 2–9 without I, L, O (no look-alikes of 1 and 0, which are left out too)
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 -- an alphabet, not a secret
TOKEN_LENGTH = 16
TOKEN_GROUP = 4
CODE_RE = re.compile(rf"^[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # the older tokens (secrets.token_urlsafe), as issued
CODE_SEPARATORS = re.compile(r"[\s\-‐-―－]+")  # spaces and every dash a phone keyboard may type


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _n in range(TOKEN_LENGTH))


def grouped(token: str) -> str:
    """A token as printed for typing: ``ABCD-EFGH-JKMN-PQRS`` (an older token as it is)."""
    if not CODE_RE.match(token):
        return token
    return "-".join(token[i : i + TOKEN_GROUP] for i in range(0, TOKEN_LENGTH, TOKEN_GROUP))


def token_candidates(typed: str) -> list[str]:
    """What a typed or scanned token can be: a token of the new kind in any case, with or without dashes and spaces
    (its one spelling), and an older token exactly as issued. Empty when it can be neither."""
    raw = (typed or "").strip()
    found = []
    code = CODE_SEPARATORS.sub("", raw).upper()
    if CODE_RE.match(code):
        found.append(code)
    if TOKEN_RE.match(raw) and raw not in found:
        found.append(raw)
    return found


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()
