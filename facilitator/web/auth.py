"""Credentials: who is at the other end of a request or a WebSocket.

Moderator and presenter tokens are derived from the server secret and the session id with
HMAC, so they need no table and can be printed again after a restart; participant tokens are
the public participant id signed the same way. Changing the secret revokes all of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from facilitator.domain.model import Role

PARTICIPANT_COOKIE = "fp_{code}"
ORGANISER_COOKIE = "facilitator_organiser"


def _mac(secret: bytes, message: str) -> str:
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def role_token(secret: bytes, session: str, role: Role) -> str:
    return _mac(secret, f"{role}:{session}")


def comoderator_token(secret: bytes, session: str) -> str:
    return _mac(secret, f"comoderator:{session}")


def participant_token(secret: bytes, session: str, participant: str) -> str:
    return f"{participant}.{_mac(secret, f'participant:{session}:{participant}')}"


def organiser_cookie(secret: bytes, key: str) -> str:
    return _mac(secret, f"organiser:{key}")


@dataclass(frozen=True)
class Credential:
    role: Role
    participant: str | None = None
    owner: bool = True  # False for a co-moderator: a moderator who cannot delete the session


def identify(secret: bytes, session: str, token: str | None) -> Credential | None:
    """The role a token stands for in this session, or None."""
    # compare_digest refuses str with non-ASCII characters (a URL may carry any).
    if not token or len(token) > 100 or not token.isascii():
        return None
    for role in ("moderator", "presenter"):
        if hmac.compare_digest(token, role_token(secret, session, role)):  # type: ignore[arg-type]
            return Credential(role)  # type: ignore[arg-type]
    if hmac.compare_digest(token, comoderator_token(secret, session)):
        return Credential("moderator", owner=False)
    participant, dot, _ = token.partition(".")
    if dot and hmac.compare_digest(token, participant_token(secret, session, participant)):
        return Credential("participant", participant)
    return None
