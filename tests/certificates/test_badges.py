"""Open Badges 3.0: a downloaded credential verifies against the key the platform publishes,
validates against 1EdTech's schemas, and its status list shows a revocation."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import jwt
import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.certificates import badges
from elearn.certificates.keys import jwk, load_private, new_private_pem
from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.certificates.conftest import certificate_of
from tests.conftest import conformance_dir, sign_in


def schema(name: str) -> dict:
    folder = conformance_dir() / "openbadges-3.0"
    return json.loads((folder / name).read_text(encoding="utf-8"))


def verified(app, token: str) -> dict:
    """Decode a VC-JWT the way an outside verifier would: the key from the kid's address."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    visitor = app.test_client()
    key = visitor.get(header["kid"].replace("http://localhost", "")).get_json()
    public = jwt.PyJWK(key).key
    return jwt.decode(token, public, algorithms=["EdDSA"], options={"verify_aud": False})


def test_a_downloaded_credential_verifies_and_validates(app, client, holder):
    certificate = certificate_of(app, holder.id)
    response = client.get(f"/my-certificates/{certificate.code}.jwt?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    claims = verified(app, response.get_data(as_text=True))
    credential = claims["vc"]
    jsonschema.validate(credential, schema("achievementcredential.json"))
    assert claims["jti"] == credential["id"] and claims["iss"] == credential["issuer"]["id"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["name"] == "Test course"
    assert credential["validUntil"].startswith(str(certificate.expires_on))
    assert claims["exp"] > claims["nbf"]
    # The holder is named only by a salted hash of their email address.
    identity = credential["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((holder.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert holder.email not in response.get_data(as_text=True)
    assert "Ștefania" not in json.dumps(credential, ensure_ascii=False)
    # The issuer's profile is published and valid.
    profile = app.test_client().get("/credentials/issuer").get_json()
    jsonschema.validate(profile, schema("profile.json"))
    assert profile["id"] == credential["issuer"]["id"]


def test_a_revocation_reaches_credentials_already_downloaded(app, client, make, holder):
    certificate = certificate_of(app, holder.id)
    claims = verified(app, client.get(f"/my-certificates/{certificate.code}.jwt").get_data(True))
    entry = claims["vc"]["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    list_url = entry["statusListCredential"].replace("http://localhost", "")

    def revoked() -> bool:
        token = app.test_client().get(list_url).get_data(as_text=True)
        subject = verified(app, token)["vc"]["credentialSubject"]
        bits = badges.decode_status_list(subject["encodedList"])
        assert len(bits) * 8 == badges.STATUS_LIST_BITS
        return badges.is_revoked(bits, index)

    assert revoked() is False
    manager = app.test_client()
    sign_in(
        manager,
        make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=holder.organisation_id),
    )
    manager.post(f"/certificates/{certificate.code}/revoke", data={"reason": "identity"})
    assert revoked() is True
    # And it can no longer be downloaded.
    assert client.get(f"/my-certificates/{certificate.code}.jwt").status_code == 302


def test_each_certificate_has_its_own_random_place_and_salt(app, holder):
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert 0 <= certificate.status_index < badges.STATUS_LIST_BITS
        assert len(certificate.holder_salt) == 32


@pytest.mark.parametrize(
    "config_overrides", [{"CREDENTIAL_SIGNING_KEY": new_private_pem()}], indirect=True
)
def test_retired_keys_stay_published_so_old_credentials_verify(app, config_overrides):
    old = new_private_pem()
    old_public = load_private(old).public_key()
    from cryptography.hazmat.primitives import serialization

    retired = old_public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    app.config["CREDENTIAL_RETIRED_KEYS"] = retired
    published = app.test_client().get("/credentials/keys").get_json()["keys"]
    current = jwk(load_private(config_overrides["CREDENTIAL_SIGNING_KEY"]).public_key())
    assert [key["kid"] for key in published] == [current["kid"], jwk(old_public)["kid"]]
    token = jwt.encode({"hello": "world"}, load_private(old), algorithm="EdDSA")
    one = app.test_client().get(f"/credentials/keys/{jwk(old_public)['kid']}").get_json()
    assert jwt.decode(token, jwt.PyJWK(one).key, algorithms=["EdDSA"]) == {"hello": "world"}
    assert app.test_client().get("/credentials/keys/unknown").status_code == 404


def test_the_new_key_command_prints_a_usable_key(runner):
    result = runner.invoke(args=["certificates", "new-key"])
    assert result.exit_code == 0
    assert load_private(result.stdout) is not None


def test_the_credential_is_offered_in_each_language_of_the_course(app, client, holder):
    certificate = certificate_of(app, holder.id)
    html = client.get("/my-certificates", headers={"Accept-Language": "en"}).get_data(True)
    assert "Download as an Open Badge (for a digital wallet):" in html
    for language in ("ro", "en"):
        assert f'href="/my-certificates/{certificate.code}.jwt?lang={language}"' in html


@pytest.mark.parametrize(
    ("language", "name", "words"),
    [
        ("ro", "Curs de test", ("în ritm propriu", "Toate lecțiile obligatorii")),
        ("en", "Test course", ("self-paced", "Every required lesson")),
    ],
)
def test_each_languages_credential_speaks_that_language_and_validates(
    app, client, holder, language, name, words
):
    certificate = certificate_of(app, holder.id)
    # The interface speaks Hungarian: the credential follows the language chosen, not it.
    response = client.get(
        f"/my-certificates/{certificate.code}.jwt?lang={language}",
        headers={"Accept-Language": "hu"},
    )
    assert response.status_code == 200
    assert (
        f"open-badge-{certificate.code}-{language}.jwt" in response.headers["Content-Disposition"]
    )
    credential = verified(app, response.get_data(as_text=True))["vc"]
    jsonschema.validate(credential, schema("achievementcredential.json"))
    achievement = credential["credentialSubject"]["achievement"]
    assert credential["name"] == achievement["name"] == name
    assert achievement["inLanguage"] == language
    assert achievement["description"].startswith(f"{name} (")
    assert words[0] in achievement["description"]
    assert achievement["criteria"]["narrative"].startswith(words[1])


def test_the_achievement_texts_exist_in_hungarian_with_its_decimal_comma(app, holder):
    certificate = certificate_of(app, holder.id)
    certificate.hours = 1.5
    with app.app_context():
        _title, description, criteria = badges.achievement_texts(certificate, "hu")
        english = badges.achievement_texts(certificate, "en")[1]
    assert "önálló tempóban" in description and description.endswith(", 1,5 óra.")
    assert english.endswith(", 1.5 h.")
    assert criteria.startswith("A kurzus minden kötelező leckéjét")


def test_a_language_the_course_does_not_have_gets_romanian(app, client, holder):
    certificate = certificate_of(app, holder.id)
    response = client.get(f"/my-certificates/{certificate.code}.jwt?lang=hu")
    credential = verified(app, response.get_data(as_text=True))["vc"]
    assert credential["credentialSubject"]["achievement"]["inLanguage"] == "ro"
    jsonschema.validate(credential, schema("achievementcredential.json"))
