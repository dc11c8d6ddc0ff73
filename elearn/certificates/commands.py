"""`elearn certificates ...`: keys for Open Badges credentials."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.certificates.keys import jwk, load_private, new_private_pem

certificates_cli = AppGroup("certificates", help="Certificates and Open Badges credentials.")


@certificates_cli.command("new-key")
def new_key_command() -> None:
    """Print a new Ed25519 private key (PEM) for CREDENTIAL_SIGNING_KEY, and its id.

    Keep it secret. When you replace a key, put the old one's public key into
    CREDENTIAL_RETIRED_KEYS, so that credentials signed with it keep verifying.
    """
    pem = new_private_pem()
    click.echo(pem, nl=False)
    click.echo(f"key id: {jwk(load_private(pem).public_key())['kid']}", err=True)
