"""How a request uses its PostgreSQL connection: no round trip it does not need.

Before issue 17 a signed-in request that ran one query made six round trips: the pool's
pre-ping (``BEGIN``, ``SELECT 1``, ``ROLLBACK``), then ``BEGIN``, the query and ``ROLLBACK``.
Now it makes one:

- **Reads outside a transaction.** During a request a pooled connection is taken in
  autocommit mode, so reads are sent alone. The first statement that is not a plain read (a
  write, a ``SELECT ... FOR UPDATE``, an advisory lock, ``LOCK``, ``SAVEPOINT``, a server-side
  cursor) switches the connection back, and the transaction begins with it, as before: from
  there to the commit everything is one transaction. Reads before the first write see what is
  committed when each runs, which PostgreSQL's READ COMMITTED already gives every statement
  inside a transaction. SQLite's driver begins a transaction only before a write anyway.
  Commands and scripts (no request) keep the driver's usual transactions.
- **No pre-ping; retry once instead.** A connection the server dropped (a restart, a network
  timeout) is found by the statement that uses it. When that is the first statement on a
  connection just taken from the pool, nothing of the request has reached the database on it,
  so the request is run again once on a new connection, as the pre-ping would have done, unless
  the request already committed something. The pool then replaces its other connections too,
  as SQLAlchemy does after any disconnect.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from elearn.extensions import db

# Statements that must run inside the request's transaction though they begin with SELECT.
_TRANSACTIONAL_SELECT = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|pg_advisory|nextval|setval",
    re.IGNORECASE,
)
_UNUSED = "elearn_unused"  # on a pool record: taken from the pool, no statement run yet
_FIRST = "elearn_first"  # on a pool record: the statement running is the first
_RETRY = "_elearn_retry_dropped"  # on an exception: the request may run again


@lru_cache(maxsize=2048)  # SQLAlchemy sends the same compiled strings again and again
def is_plain_read(statement: str, server_side: bool = False) -> bool:
    """True for a statement that may run outside a transaction: a SELECT that locks nothing,
    changes nothing and needs no cursor kept open on the server. Anything else, including a
    read this cannot tell from a write, is not."""
    if server_side or statement.lstrip()[:6].upper() != "SELECT":
        return False
    return _TRANSACTIONAL_SELECT.search(statement) is None


def init_app(app: Flask, engine) -> None:
    """Listen on the app's engine. Only PostgreSQL needs it."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "handle_error", _on_error)
    event.listen(engine, "commit", _on_commit)


def _on_checkout(dbapi_connection, record, _proxy) -> None:
    record.info[_UNUSED] = True
    # The connection is idle in the pool, so its mode may change without a round trip.
    reading_mode = has_request_context()
    if dbapi_connection.autocommit != reading_mode:
        dbapi_connection.autocommit = reading_mode


def _before_execute(connection, _cursor, statement, _parameters, context, _executemany):
    info = connection.info
    info[_FIRST] = info.pop(_UNUSED, False)  # is this the first statement since checkout?
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.autocommit:
        server_side = context is not None and context._is_server_side
        if not is_plain_read(statement, server_side):
            dbapi_connection.autocommit = False  # the driver begins with this statement


def _on_commit(_connection) -> None:
    if has_request_context():
        g._elearn_committed = True


def _on_error(context) -> None:
    """A dropped connection, found by the first statement on it: the request may run again."""
    connection = context.connection
    if not context.is_disconnect or connection is None or context.sqlalchemy_exception is None:
        return
    if connection.info.get(_FIRST):
        setattr(context.sqlalchemy_exception, _RETRY, True)


class RetryingFlask(Flask):
    """Flask that runs a request again, once, when its first statement on a freshly pooled
    connection found the connection dropped (see the module's docstring)."""

    def full_dispatch_request(self):
        try:
            return super().full_dispatch_request()
        except DBAPIError as error:
            if not getattr(error, _RETRY, False) or g.get("_elearn_committed"):
                raise
            self.logger.warning("A dropped database connection: the request runs again once.")
            db.session.rollback()
            g.pop("_login_user", None)  # Flask-Login loads the person again
            return super().full_dispatch_request()
