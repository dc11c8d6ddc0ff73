"""Open Badges 3.0: each certificate as a W3C Verifiable Credential, signed as a VC-JWT.

- The credential (an ``OpenBadgeCredential``) names the issuer's profile, the achievement, its
  validity dates, and the holder only by a salted SHA-256 hash of their email address.
- It is signed with the platform's Ed25519 key (EdDSA); the JOSE header's ``kid`` is the
  address of the public key, published with the retired ones at /credentials/keys.
- Its ``credentialStatus`` is an entry in a W3C Bitstring Status List published at
  /credentials/status/revocation (itself a signed credential), so that revoking a certificate
  reaches the credentials already downloaded. Each certificate has a random place in the list,
  so places reveal nothing about when or in what order certificates were issued.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import jwt
from flask import current_app
from flask_babel import force_locale, format_decimal, gettext
from sqlalchemy import select

from elearn.certificates import codes, keys, services
from elearn.certificates.models import STATUS_LIST_BITS, Certificate
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.links import external_url

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile() -> dict:
    by = services.issuer()
    profile = {
        "@context": CONTEXTS,
        "id": external_url("certificates.issuer_profile"),
        "type": ["Profile"],
        "name": by.name,
    }
    if by.url:
        profile["url"] = by.url
    if by.email:
        profile["email"] = by.email
    return profile


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def achievement_texts(certificate: Certificate, language: str) -> tuple[str, str, str]:
    """The achievement's name, description and criteria in ``language`` (one of the
    course's): the course's own title, and the platform's sentences in that language whatever
    the reader's interface speaks."""
    title = certificate.course_title.get(language) or next(iter(certificate.course_title.values()))
    with force_locale(language):
        if certificate.states_hours:
            description = gettext(
                "%(title)s (%(version)s), online, self-paced, %(hours)s h.",
                title=title,
                version=certificate.version_label,
                hours=format_decimal(certificate.hours),  # 1,5 in Romanian and Hungarian
            )
        else:  # the learner's recorded time did not reach the course's threshold
            description = gettext(
                "%(title)s (%(version)s), online, self-paced.",
                title=title,
                version=certificate.version_label,
            )
        criteria = gettext(
            "Every required lesson of the course read and its quizzes passed at the course's "
            "pass mark."
        )
    return title, description, criteria


def credential(certificate: Certificate, email: str, language: str) -> dict:
    """The credential (unsigned) of ``certificate``, its texts in ``language``."""
    title, description, criteria = achievement_texts(certificate, language)
    profile = issuer_profile()
    status_list = external_url("certificates.status_list")
    course = db.session.get(Course, certificate.course_id)
    document = {
        "@context": CONTEXTS,
        "id": external_url("certificates.verify_code", code=certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {key: profile[key] for key in ("id", "type", "name", "url") if key in profile},
        "validFrom": _iso(certificate.issued_at),
        "name": title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(email, certificate.holder_salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": certificate.holder_salt,
                }
            ],
            "achievement": {
                "id": external_url("learning.course", slug=course.slug) + "#certificate",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": description,
                "criteria": {"narrative": criteria},
                "version": certificate.version_label,
                "inLanguage": language,
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_list,
        },
    }
    if certificate.expires_on:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        end = datetime.combine(certificate.expires_on, time(23, 59, 59), tzinfo=zone)
        document["validUntil"] = _iso(end)
    return document


def sign(document: dict) -> str:
    """The credential as a VC-JWT: its claims in ``vc``, with the registered JWT claims."""
    private, kid = keys.signing_key()
    claims = {
        "iss": document["issuer"]["id"]
        if isinstance(document["issuer"], dict)
        else document["issuer"],
        "jti": document["id"],
        "nbf": int(
            datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00")).timestamp()
        ),
        "iat": int(datetime.now(UTC).timestamp()),
        "vc": document,
    }
    if "validUntil" in document:
        claims["exp"] = int(
            datetime.fromisoformat(document["validUntil"].replace("Z", "+00:00")).timestamp()
        )
    header = {"kid": external_url("certificates.public_key", kid=kid), "typ": "JWT"}
    return jwt.encode(claims, private, algorithm="EdDSA", headers=header)


def signed_credential(certificate: Certificate, email: str, language: str) -> str:
    return sign(credential(certificate, email, language))


def encoded_status_list() -> str:
    """The revocation bitstring: bit n (the leftmost is 0) is set when the certificate at
    place n is revoked; GZIP-compressed, then multibase base64url ("u" prefix)."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in db.session.scalars(
        select(Certificate.status_index).where(Certificate.revoked_at.is_not(None))
    ):
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_credential() -> str:
    """The status list, itself a credential signed with the platform's key."""
    url = external_url("certificates.status_list")
    profile = issuer_profile()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile["id"],
        "validFrom": _iso(services.utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(),
        },
    }
    return sign(document)


def decode_status_list(encoded: str) -> bytes:
    """The bitstring back from ``encodedList`` (for verifiers and the tests)."""
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_revoked(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def code_of(text: str) -> str | None:
    return codes.normalise(text)
