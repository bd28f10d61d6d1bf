"""How a phone proves who she is: HTTP Digest with her phone password, Basic only over HTTPS.

ODK Collect and KoboCollect answer a 401 carrying a Digest challenge (RFC 7616, MD5,
qop=auth) by signing each request with the phone password. The nonce carries its own time
and a signature, so any server process can check it without shared state; it expires after
TONLE_COLLECT_NONCE_SECONDS and is then answered `stale=true`, which the phone retries
without asking her again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from tonle.accounts.models import User
from tonle.collect.models import PhoneCredential
from tonle.collect.services import digest_ha1

_PARAM = re.compile(r'([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _signature(stamp: str) -> str:
    key = f"tonle-collect-nonce:{settings.SECRET_KEY}".encode()
    return hmac.new(key, stamp.encode(), hashlib.sha256).hexdigest()[:32]


def nonce_new() -> str:
    stamp = f"{int(time.time()):x}"
    return f"{stamp}.{_signature(stamp)}"


def _nonce_state(nonce: str) -> str:
    """ "fresh", "stale" (ours, but expired) or "bad" (not ours)."""
    stamp, _dot, signature = nonce.partition(".")
    if not hmac.compare_digest(_signature(stamp), signature):
        return "bad"
    try:
        age = time.time() - int(stamp, 16)
    except ValueError:
        return "bad"
    return "fresh" if -60 <= age <= settings.TONLE_COLLECT_NONCE_SECONDS else "stale"


def challenge(*, stale: bool = False) -> str:
    """The WWW-Authenticate header of a 401."""
    realm = settings.TONLE_COLLECT_REALM.replace('"', "")
    return (
        f'Digest realm="{realm}", qop="auth", algorithm=MD5, nonce="{nonce_new()}", '
        f'opaque="{secrets.token_hex(8)}"{", stale=true" if stale else ""}'
    )


def digest_params(header: str) -> dict[str, str]:
    """The name=value pairs of an Authorization header after its scheme."""
    return {
        name.lower(): quoted.replace('\\"', '"') or bare
        for name, quoted, bare in _PARAM.findall(header)
    }


def _credential(username: str) -> PhoneCredential | None:
    return (
        PhoneCredential.objects.select_related("user")
        .filter(
            user__username=username,
            user__is_active=True,
            realm=settings.TONLE_COLLECT_REALM,
        )
        .first()
    )


def _from_digest(request: HttpRequest, header: str) -> tuple[User | None, bool]:
    params = digest_params(header)
    needed = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
    if any(not params.get(name) for name in needed) or params["qop"] != "auth":
        return None, False
    if params.get("algorithm", "MD5").upper() != "MD5":
        return None, False
    if params["realm"] != settings.TONLE_COLLECT_REALM:
        return None, False
    # The signature covers this address only: a signed request cannot be replayed on another.
    if urlsplit(params["uri"]).path != request.path:
        return None, False
    state = _nonce_state(params["nonce"])
    if state != "fresh":
        return None, state == "stale"
    credential = _credential(params["username"])
    if credential is None:
        return None, False
    method_uri = hashlib.md5(f"{request.method}:{params['uri']}".encode()).hexdigest()
    expected = hashlib.md5(
        ":".join(
            [credential.ha1, params["nonce"], params["nc"], params["cnonce"], "auth", method_uri]
        ).encode()
    ).hexdigest()
    if not hmac.compare_digest(expected, params["response"].lower()):
        return None, False
    return credential.user, False


def _from_basic(header: str) -> User | None:
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    credential = _credential(username) if colon else None
    if credential is None:
        return None
    ha1 = digest_ha1(username=username, realm=credential.realm, password=password)
    return credential.user if hmac.compare_digest(ha1, credential.ha1) else None


def phone_user(request: HttpRequest) -> tuple[User | None, bool]:
    """(the user the request is signed by, or None; whether its nonce was only stale).

    Basic sends the password itself, so it is accepted only over HTTPS.
    """
    scheme, _space, rest = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "digest":
        return _from_digest(request, rest)
    if scheme.lower() == "basic" and request.is_secure():
        return _from_basic(rest), False
    return None, False
