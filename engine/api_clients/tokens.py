"""Issuing and recognising bearer secrets.

A token is a kind prefix and 32 random bytes (base64url). Such a secret is high-entropy, so a
plain SHA-256 is the right stored form (a slow password hash adds nothing against guessing 256
bits and would cost every API call); the lookup is by that hash.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

CLIENT_KEY_KIND = "mc_live_"
PERSONAL_TOKEN_KIND = "mc_pat_"
#: random characters kept in the public prefix, after the kind
PUBLIC_CHARACTERS = 8


@dataclass(frozen=True)
class IssuedSecret:
    #: the whole token, shown once to whoever created it
    token: str
    #: what the pages show to tell tokens apart
    prefix: str
    #: what the database keeps
    secret_hash: str


def issue_secret(kind: str) -> IssuedSecret:
    token = kind + secrets.token_urlsafe(32)
    return IssuedSecret(token, token[: len(kind) + PUBLIC_CHARACTERS], secret_hash(token))


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
