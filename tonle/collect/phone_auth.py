"""How a phone proves who she is: HTTP Digest with her phone password, Basic only over HTTPS.

ODK Collect and KoboCollect answer a 401 carrying a Digest challenge (RFC 7616, MD5,
qop=auth) by signing each request with the phone password. The nonce carries its own time
and a signature, so any server process can check it without shared state; it expires after
TONLE_COLLECT_NONCE_SECONDS and is then answered `stale=true`, which the phone retries
without asking her again. Wrong phone passwords lock a username from an address as wrong
web passwords do (AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME), counted in the cache
every server process shares.
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
from django.core.cache import cache
from django.http import HttpRequest

from tonle.accounts.login import client_ip
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


def _failures_key(request: HttpRequest, username: str) -> str:
    who = f"{username}|{client_ip(request)}".encode()
    return f"tonle-phone-failures:{hashlib.sha256(who).hexdigest()}"


def _from_digest(request: HttpRequest, params: dict[str, str]) -> tuple[User | None, bool]:
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


def _basic_pair(header: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _from_basic(username: str, password: str) -> User | None:
    credential = _credential(username)
    if credential is None:
        return None
    ha1 = digest_ha1(username=username, realm=credential.realm, password=password)
    return credential.user if hmac.compare_digest(ha1, credential.ha1) else None


def phone_user(request: HttpRequest) -> tuple[User | None, bool]:
    """(the user the request is signed by, or None; whether its nonce was only stale).

    Basic sends the password itself, so it is accepted only over HTTPS.
    """
    scheme, _space, rest = request.headers.get("Authorization", "").partition(" ")
    user, stale, username = None, False, ""
    if scheme.lower() == "digest":
        params = digest_params(rest)
        username = params.get("username", "")
        if not _locked(request, username):
            user, stale = _from_digest(request, params)
    elif scheme.lower() == "basic" and request.is_secure():
        pair = _basic_pair(rest)
        username = pair[0] if pair else ""
        if pair and not _locked(request, username):
            user = _from_basic(*pair)
    if user is not None:
        cache.delete(_failures_key(request, username))
    elif username and not stale:
        key = _failures_key(request, username)
        cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
        cache.incr(key)
    return user, stale


def _locked(request: HttpRequest, username: str) -> bool:
    return cache.get(_failures_key(request, username), 0) >= settings.AXES_FAILURE_LIMIT
