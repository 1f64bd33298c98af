"""The handoff service's tables (SQLAlchemy Core, SQLite or PostgreSQL) and what a
database made by an earlier version gets added when the service starts."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from handoff.service.records import OPEN

logger = logging.getLogger(__name__)

metadata = sa.MetaData()
sessions = sa.Table(
    "handoff_sessions", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("skill", sa.String(64), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),  # priority as a number, for ordering
    sa.Column("agent", sa.String(64)),
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True)),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("escalated", sa.Integer, nullable=False, default=0),
    sa.Column("rating", sa.Integer),
    sa.Column("external_id", sa.String(64), index=True),  # the session in a connector's system (Chatwoot)
    # Set when the customer was told nobody can take over now: the session stays queued as a
    # message while the bot has the conversation again.
    sa.Column("left_message_at", sa.DateTime(timezone=True)),
)
messages = sa.Table(
    "handoff_messages", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(36), sa.ForeignKey("handoff_sessions.id"), nullable=False, index=True),
    sa.Column("sender", sa.String(16), nullable=False),  # customer | agent | bot | note | system
    sa.Column("author", sa.String(64)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # The message's id from where it was first written (the event id of a customer's message,
    # the client's id of an agent's): a redelivery or a retry finds the message already there.
    sa.Column("msg_key", sa.String(80)),
    sa.Column("status", sa.String(12)),  # agents' messages: sending | delivered | failed
    # Customers' messages: how far telling the connector got (handoff.relay.connector_notice).
    sa.Column("told", sa.String(8)),  # telling | told | failed
    sa.Column("told_by", sa.String(32)),  # the service process telling it
    sa.Column("told_at", sa.DateTime(timezone=True)),
)
message_key = sa.Index("ux_handoff_messages_key", messages.c.session_id, messages.c.msg_key, unique=True)
# One open session per conversation, as the database's rule: a transfer retried while the first
# try is still being handled finds the session that try opened instead of opening a second.
one_open_session = sa.Index("ux_handoff_sessions_open", sessions.c.conversation_id, unique=True,
                            sqlite_where=sessions.c.status.in_(OPEN), postgresql_where=sessions.c.status.in_(OPEN))

# When each agent last used the console or the API: presence shared by every service instance.
presence = sa.Table(
    "handoff_presence", metadata,
    sa.Column("agent", sa.String(64), primary_key=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)


def upgrade(engine: Engine) -> None:
    """Databases made by an earlier version get the columns (and the index) added since."""
    added = {"handoff_sessions": {"external_id": "VARCHAR(64)",
                                  "left_message_at": sa.DateTime(timezone=True).compile(dialect=engine.dialect)},
             "handoff_messages": {"msg_key": "VARCHAR(80)", "status": "VARCHAR(12)", "told": "VARCHAR(8)",
                                  "told_by": "VARCHAR(32)",
                                  "told_at": sa.DateTime(timezone=True).compile(dialect=engine.dialect)}}
    for table, columns in added.items():
        present = {c["name"] for c in sa.inspect(engine).get_columns(table)}
        for name, kind in columns.items():
            if name not in present:
                with engine.begin() as connection:
                    connection.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} {kind}"))
    message_key.create(bind=engine, checkfirst=True)
    try:
        one_open_session.create(bind=engine, checkfirst=True)
    except sa.exc.IntegrityError:
        logger.warning("a conversation has two open handoff sessions in this database, so the rule of one open "
                       "session per conversation is not enforced yet; close one (the reconciliation or an agent "
                       "will) and restart the service")
