"""Secrets Tonle must use again but never show (an import's token or password), sealed.

Encrypt-then-sign with the standard library and Django only: a keystream of HMAC-SHA256
blocks (key derived from SECRET_KEY with `salted_hmac`, a random nonce per seal) XORed with
the text, then signed with `django.core.signing.Signer`. Changing SECRET_KEY makes every
sealed secret unreadable (`Unreadable`): the manager types it again on the source's page.
"""

from __future__ import annotations

import base64
import os

from django.core import signing
from django.utils.crypto import salted_hmac

_SALT = "tonle.collect.sealing"
_NONCE = 16


class Unreadable(ValueError):
    """Sealed with another SECRET_KEY, or tampered with."""


def _keystream(nonce: bytes, length: int) -> bytes:
    blocks = (
        salted_hmac(_SALT, nonce + counter.to_bytes(8, "big"), algorithm="sha256").digest()
        for counter in range((length + 31) // 32)
    )
    return b"".join(blocks)[:length]


def seal(text: str) -> str:
    data = text.encode()
    nonce = os.urandom(_NONCE)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    return signing.Signer(salt=_SALT).sign(base64.urlsafe_b64encode(nonce + cipher).decode())


def unseal(sealed: str) -> str:
    try:
        packed = base64.urlsafe_b64decode(signing.Signer(salt=_SALT).unsign(sealed))
    except (signing.BadSignature, ValueError) as error:
        raise Unreadable(str(error)) from error
    nonce, cipher = packed[:_NONCE], packed[_NONCE:]
    return bytes(
        a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True)
    ).decode()
