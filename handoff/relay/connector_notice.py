"""A customer's message is handed to the agents' desk (the connector: console, webhook,
Chatwoot) once per event id, and again only when the try that stored it stopped
before the desk was told.

The message's row says how far telling the desk got (``told``): nothing yet;
``telling``, by one run of the service (``told_by``) since ``told_at``; ``told``; or
``failed`` (the desk refused or could not be reached, which is noted on the session).
A new message is stored with the claim of the try that stores it; a redelivery claims the
row in one conditional UPDATE:

- nothing yet, or ``telling`` by a run that is gone (a claim older than the lease; on
  SQLite, where one service runs, any other run's claim: that run was stopped), the
  claim is this try's, and it tells the desk;
- ``told`` or ``failed``: nothing more to do, the redelivery is answered as taken;
- ``telling`` by a try still running: ``RelayBusy`` (503), so the broker tries again
  later, in order, rather than being told the desk has it."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Dict

import sqlalchemy as sa

from handoff.errors import RelayBusy
from handoff.service.store import Message, SessionStore, messages

TELLING, TOLD, FAILED = "telling", "told", "failed"
THIS_RUN = uuid.uuid4().hex  # this run of the service
LEASE_SECONDS = 60.0  # longer than a connector's tries take (webhook: 3 x 5 s; Chatwoot: 3 x 10 s)


class ConnectorNotice:
    def __init__(self, store: SessionStore, lease: float = LEASE_SECONDS) -> None:
        self.store, self.lease = store, lease

    @staticmethod
    def claimed() -> Dict[str, Any]:
        """The columns of a message stored with its claim (one write for a new message)."""
        return {"told": TELLING, "told_by": THIS_RUN, "told_at": datetime.now(timezone.utc)}

    async def claim(self, message: Message) -> bool:
        """This try tells the desk (True), or it was told already (False); RelayBusy while another
        try is telling it."""
        now = datetime.now(timezone.utc)
        gone = messages.c.told_at < now - timedelta(seconds=self.lease)
        if not self.store.shared:  # one service on this database: a claim of another run died with it
            gone = sa.or_(gone, messages.c.told_by != THIS_RUN)
        update = (messages.update().where(messages.c.seq == message.seq)
                  .where(sa.or_(messages.c.told.is_(None), sa.and_(messages.c.told == TELLING, gone)))
                  .values(told=TELLING, told_by=THIS_RUN, told_at=now))
        if await self.store.write(lambda c: c.execute(update).rowcount):
            return True
        state = await self.store.read(lambda c: c.execute(sa.select(messages.c.told)
                                                          .where(messages.c.seq == message.seq)).scalar())
        if state == TELLING:
            raise RelayBusy(message.session_id, message.key or str(message.seq))
        return False

    async def finish(self, message: Message, told: bool) -> None:
        update = (messages.update().where(messages.c.seq == message.seq).where(messages.c.told_by == THIS_RUN)
                  .values(told=TOLD if told else FAILED, told_at=datetime.now(timezone.utc)))
        await self.store.write(lambda c: c.execute(update))

    async def tell_once(self, message: Message, new: bool, tell: Callable[[], Awaitable[bool]]) -> None:
        """`tell` the desk unless it was told. A new message was stored with its claim (`claimed`); a
        redelivered one also goes to the agents' consoles again (they show a message once, by its seq)."""
        if not new:
            if not await self.claim(message):
                return
            await self.store.announce(message)
        await self.finish(message, await tell())
