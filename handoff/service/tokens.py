"""Agents' tokens at rest: salted and slow (scrypt from the standard library),
`scrypt$<n>$<r>$<p>$<salt>$<hash>` with base64 salt and hash. The unsalted SHA-256 hex
digests of earlier agents files are still accepted (the service warns on load).
Checking is constant-time; what a check costs is why the service caches who a token
belongs to (handoff.service.auth)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

N, R, P = 2 ** 14, 8, 1   # about 50 ms and 16 MB per check: slow for a guesser, once per login here
LEGACY = re.compile(r"^[0-9a-f]{64}$")
SCRYPT = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")


def hash_token(token: str, n: int = N, r: int = R, p: int = P) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * n * r)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def well_formed(stored: str) -> bool:
    return bool(SCRYPT.match(stored)) or bool(LEGACY.match(stored))


def legacy(stored: str) -> bool:
    return bool(LEGACY.match(stored))


def check(token: str, stored: str) -> bool:
    """Does the token match what is stored (scrypt, or a legacy SHA-256 hex digest)?"""
    if LEGACY.match(stored):
        return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), stored)
    found = SCRYPT.match(stored)
    if not found:
        return False
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if n > 2 ** 20 or r > 64 or p > 16:  # a file cannot make every login take minutes
        return False
    digest = hashlib.scrypt(token.encode(), salt=base64.b64decode(found.group(4)), n=n, r=r, p=p,
                            dklen=len(base64.b64decode(found.group(5))), maxmem=256 * n * r * p)
    return hmac.compare_digest(digest, base64.b64decode(found.group(5)))
