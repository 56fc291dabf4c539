"""Room codes, lecturer keys and nicknames: what a person types or holds."""

import hashlib
import hmac
import secrets
import unicodedata

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read off a projector is typed right.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 6
KEY_BYTES = 16  # 128 bits
MAX_NICKNAME = 24


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code a person meant (case and spaces forgiven), or None if it cannot be one."""
    code = "".join(typed.split()).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str) -> str:
    """Rooms store only this, so a leaked room table drives no room."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str | None, hashed: str) -> bool:
    return key is not None and hmac.compare_digest(hash_key(key), hashed)


def clean_nickname(typed: str) -> str:
    """At most ``MAX_NICKNAME`` printable characters, spaces collapsed; the page escapes
    it wherever it shows (Jinja2's autoescape), this only keeps it one tidy line."""
    printable = "".join(c for c in typed if not unicodedata.category(c).startswith("C"))
    return " ".join(printable.split())[:MAX_NICKNAME]
