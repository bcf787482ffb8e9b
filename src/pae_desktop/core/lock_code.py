"""The lock screen's PIN: checked (4 to 8 digits), kept only as a salted scrypt hash in the settings.

`hash_pin` gives the text stored under `settings.LOCK_PIN` («scrypt$n$r$p$salt$digest», hex); `pin_matches`
compares a typed PIN with it in constant time. The PIN itself is never stored nor logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from pae_desktop.core.errors import UserError

_N, _R, _P = 2**14, 8, 1
PIN_RULE = "Le code de verrouillage compte de 4 à 8 chiffres."


def pin_problem(pin: str) -> str:
    """"" for an acceptable PIN, else the French reason."""
    return "" if 4 <= len(pin) <= 8 and pin.isascii() and pin.isdigit() else PIN_RULE


def _digest(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str) -> str:
    """The stored form of a new PIN (a fresh random salt each time); refuses a PIN that breaks the rule."""
    if problem := pin_problem(pin):
        raise UserError(problem)
    salt = os.urandom(16)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${_digest(pin, salt, _N, _R, _P).hex()}"


def is_pin_hash(text: str) -> bool:
    """True when `text` has the stored form of `hash_pin` (what the setting accepts besides "")."""
    parts = text.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(x.isdigit() for x in parts[1:4]):
        return False
    try:
        return len(bytes.fromhex(parts[4])) == 16 and len(bytes.fromhex(parts[5])) == 32
    except ValueError:
        return False


def pin_matches(stored: str, typed: str) -> bool:
    """True when `typed` is the PIN whose hash is `stored` (False when no PIN is set)."""
    if not stored or not is_pin_hash(stored) or pin_problem(typed):
        return False
    _kind, n, r, p, salt, digest = stored.split("$")
    actual = _digest(typed, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, bytes.fromhex(digest))
