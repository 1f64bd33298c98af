"""The name customers see for an agent: the demo agent's from HANDOFF_AGENT_NAME, others'
from `display_name` in the agents file, a helpdesk's agent under the name it gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from handoff.errors import ConfigError
from handoff.service.settings import ServiceSettings, shown_as

DIGEST = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"


def test_the_demo_agent_is_sam_unless_named(tmp_path: Path) -> None:
    assert shown_as(ServiceSettings.from_env({"HANDOFF_AGENT_TOKEN": "t", "HANDOFF_SERVICE_TOKEN": "s"}), "demo") == "Sam"
    named = ServiceSettings.from_env({"HANDOFF_AGENT_TOKEN": "t", "HANDOFF_SERVICE_TOKEN": "s", "HANDOFF_AGENT_NAME": " Priya "})
    assert shown_as(named, "demo") == "Priya"


def test_agents_file_display_names(tmp_path: Path) -> None:
    agents = tmp_path / "agents.yml"
    agents.write_text(f"- {{name: kim, token_sha256: {DIGEST}, display_name: Kim Lee}}\n"
                      f"- {{name: jo, token_sha256: {DIGEST}}}\n")
    settings = ServiceSettings.from_env({"HANDOFF_AGENTS": str(agents), "HANDOFF_SERVICE_TOKEN": "s"})
    assert [shown_as(settings, n) for n in ("kim", "jo", "Priya from Chatwoot")] == ["Kim Lee", "jo",
                                                                                      "Priya from Chatwoot"]
    agents.write_text(f"- {{name: kim, token_sha256: {DIGEST}, display_name: [Kim]}}\n")
    with pytest.raises(ConfigError, match="display_name"):
        ServiceSettings.from_env({"HANDOFF_AGENTS": str(agents), "HANDOFF_SERVICE_TOKEN": "s"})
