"""A customer waiting for a person through a long outage of the handoff service is told,
once, that their messages are kept and will reach the team: by the part that still
runs, Rasa (its channel, bot.channels.outage), from what the event broker's outbox
knows.

The notice is due when the conversation is paused for a person and its oldest message
still to deliver has waited the broker's `notice_after` seconds. It is given once per
backlog: the outbox remembers it was given (``Outbox.tell_once``) until the backlog
has drained, so a later outage tells the customer again. A customer who writes is
told with that message; one who waits in silence is told by a timer on channels that
can send at any time (socket.io, callback, Telegram), not on the REST channel, which
only answers requests."""
from __future__ import annotations

import time
from typing import Any, Optional

from handoff.relay.outbox import Outbox

NOTICE = ("Our team's system can't be reached at the moment. Your messages are kept and will reach the person "
          "helping you as soon as it's back, so there's no need to write them again.")
FLAG = "handoff_outage_notice"  # on the user event of the message the customer was told with


class OutageNotice:
    def __init__(self, outbox: Outbox, after: float) -> None:
        self.outbox, self.after = outbox, after

    @classmethod
    def of(cls, broker: Any) -> Optional[OutageNotice]:
        """For Rasa's event broker, if it is ours (the embedded default); RabbitMQ keeps no outbox here."""
        outbox, after = getattr(broker, "outbox", None), getattr(broker, "notice_after", None)
        return cls(outbox, float(after)) if isinstance(outbox, Outbox) and after else None

    def due_in(self, conversation_id: str, now: Optional[float] = None) -> Optional[float]:
        """Seconds until the notice is due for what waits now (0: due); None when nothing waits."""
        since = self.outbox.waiting_since(conversation_id)
        if since is None:
            return None
        return max(0.0, since + self.after - (time.time() if now is None else now))

    def claim(self, conversation_id: str) -> bool:
        """Due now and not given yet for this backlog: the caller tells the customer."""
        return self.due_in(conversation_id) == 0.0 and self.outbox.tell_once(conversation_id)
