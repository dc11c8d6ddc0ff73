"""`elearn reach recount`: make the monthly summary of the ledger again."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.extensions import db
from elearn.reach.tally import recount

reach_cli = AppGroup("reach", help="The reach ledger of sessions delivered.")


@reach_cli.command("recount")
def recount_command() -> None:
    """Make the monthly summary the network-wide figures read (reach_session_months) again
    from the ledger, in one transaction. The ledger's writers keep it in step; run this after
    loading sessions into the database by hand, or if the figures ever seem wrong."""
    rows = recount()
    db.session.commit()
    click.echo(f"{rows} monthly rows made from the ledger.")
