"""The platform's Ed25519 keys for signing Open Badges credentials.

The signing key comes from CREDENTIAL_SIGNING_KEY (a PEM private key) in production; in
development it is generated once into the instance folder; in the tests, once per process.
Keys that are no longer used for signing (CREDENTIAL_RETIRED_KEYS, PEM public keys) stay
published, so that credentials signed with them still verify. A key's id is its JWK
thumbprint (RFC 7638).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", re.S)


def new_private_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def instance_key(instance_path: Path) -> str:
    """Development: a key made once and kept in instance/credential-signing-key.pem."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / "credential-signing-key.pem"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_private_pem())
    return path.read_text()


def load_private(pem: str) -> Ed25519PrivateKey:
    """Raises ValueError unless ``pem`` is an Ed25519 private key."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(public: Ed25519PublicKey) -> dict:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = {"crv": "Ed25519", "kty": "OKP", "x": _b64(raw)}
    thumbprint = _b64(hashlib.sha256(json.dumps(key, separators=(",", ":")).encode()).digest())
    return {**key, "kid": thumbprint, "use": "sig", "alg": "EdDSA"}


@lru_cache(maxsize=8)
def _keys(signing_pem: str, retired_pem: str) -> tuple[Ed25519PrivateKey, list[dict]]:
    private = load_private(signing_pem)
    published = [jwk(private.public_key())]
    for block in _PEM_BLOCK.findall(retired_pem or ""):
        public = serialization.load_pem_public_key(block.encode())
        if isinstance(public, Ed25519PublicKey):
            published.append(jwk(public))
    return private, published


def signing_key() -> tuple[Ed25519PrivateKey, str]:
    """(the private key, its key id)."""
    private, published = _keys(
        current_app.config["CREDENTIAL_SIGNING_KEY"], current_app.config["CREDENTIAL_RETIRED_KEYS"]
    )
    return private, published[0]["kid"]


def published_keys() -> list[dict]:
    """The current key first, then the retired ones, as JWKs."""
    return _keys(
        current_app.config["CREDENTIAL_SIGNING_KEY"], current_app.config["CREDENTIAL_RETIRED_KEYS"]
    )[1]
