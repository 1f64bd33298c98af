"""Agents are added, removed and their tokens rotated without a restart: the agents file
(HANDOFF_AGENTS) is looked at every few seconds and read again when it changed. A file
that does not validate is refused as a whole (the agents stay as they were, the error is
logged and audited); a valid one replaces the agents at once, and the websockets of the
agents removed or changed (token, role, skills) are closed so they log in again."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from pathlib import Path
from typing import Any, Optional, Tuple

from sanic import Sanic

from handoff.errors import ConfigError
from handoff.service.settings import DEMO_AGENT, Agent, ServiceSettings, file_agents

logger = logging.getLogger(__name__)


def _stamp(path: Path) -> Optional[Tuple[int, int]]:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


class Roster:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = _stamp(path)

    async def run(self, app: Sanic, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.check(app)

    async def check(self, app: Sanic) -> bool:
        """Read the file again if it changed; True when the agents were replaced."""
        loop = asyncio.get_running_loop()
        stamp = await loop.run_in_executor(None, _stamp, self.path)
        if stamp == self.seen:
            return False
        self.seen = stamp
        try:
            agents = await loop.run_in_executor(None, file_agents, self.path)
        except ConfigError as exc:
            logger.error("the agents file was not taken, the agents stay as they were: %s", exc)
            await app.ctx.audit.record("system", "config_load_failed", "agents", {"file": self.path.name}, "local")
            return False
        await replace(app, agents)
        return True


async def replace(app: Sanic, from_file: Tuple[Agent, ...]) -> None:
    settings: ServiceSettings = app.ctx.settings
    demo = tuple(a for a in settings.agents if a.name == DEMO_AGENT)  # from the environment: unchanged
    agents = demo + tuple(a for a in from_file if a.name != DEMO_AGENT)
    before = {a.name: a for a in settings.agents}
    after = {a.name: a for a in agents}
    changed = sorted(name for name, agent in before.items() if after.get(name) != agent)
    app.ctx.settings = dataclasses.replace(settings, agents=agents)
    await app.ctx.hub.drop(changed)
    await app.ctx.audit.record("system", "config_load", "agents", {
        "agents": len(agents), "changed": changed, "added": sorted(set(after) - set(before))}, "local")


def watch(app: Sanic, settings: ServiceSettings) -> Optional[Any]:
    """The watching task's coroutine, when there is an agents file."""
    if not settings.agents_file:
        return None
    return Roster(Path(settings.agents_file)).run(app, settings.agents_reload_seconds)
