"""Understanding a message off the event loop.

Rasa's `MessageProcessor.parse_message` runs the NLU graph (tokenizer, sentence model,
classifier, sentiment) synchronously on the server's event-loop thread: about 10 ms of
CPU per message here, during which nothing else in the server moves. Under load an
agent's message for a paused conversation, a tracker read or a socket.io frame waits
behind every customer message being understood, so the relay's agent -> customer time
grew with the number of customers typing.

`install()` makes `parse_message` run the same graph call in one worker thread. Parses
still happen one at a time, in arrival order, so the NLU components see no more
concurrency than before; the loop keeps answering light requests between them (the
sentence model and NumPy release the GIL while they compute). The parse data are the
ones Rasa's own method returns: same graph call, same post-processing.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Dict, Optional, Text

ORIGINAL = "_rasa_parse_message"


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu-parse")


async def parse_message(self: Any, message: Any, tracker: Optional[Any] = None,
                        only_output_properties: bool = True) -> Dict[Text, Any]:
    """`MessageProcessor.parse_message`, with the graph run in the parse thread."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if self.http_interpreter:  # an external NLU server: nothing to move off the loop
        return await getattr(type(self), ORIGINAL)(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    loop = asyncio.get_running_loop()
    parse_data = await loop.run_in_executor(_executor(), self._parse_message_with_graph, message, tracker,
                                            only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> bool:
    """Idempotent; False when it was installed already."""
    from rasa.core.processor import MessageProcessor

    if hasattr(MessageProcessor, ORIGINAL):
        return False
    setattr(MessageProcessor, ORIGINAL, MessageProcessor.parse_message)
    MessageProcessor.parse_message = parse_message
    return True
