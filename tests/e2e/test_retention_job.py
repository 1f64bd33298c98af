"""The handoff service applies privacy.yml's retention on its own: at start, then every
`every_hours`; what is older than each store keeps goes, an audit entry has the counts."""
from __future__ import annotations

import asyncio
import http.server
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
import sqlalchemy as sa
import yaml

from handoff.service.store import RESOLVED, SessionStore
from tests.e2e.test_service_schema import RasaStandIn
from tests.local_http import serving
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, base_env, free_port, start, wait_until_up


def test_the_service_deletes_what_retention_says(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    store = SessionStore.from_url(url)

    async def sessions() -> tuple:
        old = await store.create("old-chat", {"conversation_id": "old-chat"}, "general", "normal")
        await store.close(old.id, RESOLVED)
        recent = await store.create("new-chat", {"conversation_id": "new-chat"}, "general", "normal")
        await store.close(recent.id, RESOLVED)
        return old, recent
    old, recent = asyncio.run(sessions())
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE handoff_sessions SET closed_at = :t WHERE id = :id"),
                           {"t": datetime.now(timezone.utc) - timedelta(days=40), "id": old.id})
    policy = yaml.safe_load(Path("privacy.yml").read_text())
    policy["retention"] = {"handoff_sessions": 30, "every_hours": 24}
    (tmp_path / "privacy.yml").write_text(yaml.safe_dump(policy))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: " + str(tmp_path / "none.db") + "\n")
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)) as rasa:
        port = free_port()
        env = {**base_env(), "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "SHOP_DATA_DIR": str(tmp_path),
               "HANDOFF_DB_URL": url, "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}",
               "RASA_TOKEN": "rasa-token", "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
               "PRIVACY_CONFIG": str(tmp_path / "privacy.yml"), "RASA_ENDPOINTS": str(endpoints)}
        process = start("handoff-retention", [sys.executable, "-m", "handoff", "serve"], tmp_path, env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(process, f"{base}/health")
            headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
            deadline, entries = time.monotonic() + 20, []
            while time.monotonic() < deadline and not entries:
                entries = requests.get(f"{base}/api/audit?kind=retention", headers=headers, timeout=10).json()["entries"]
                time.sleep(0.2)
            assert entries and entries[0]["detail"]["deleted"] == {"handoff_sessions": 1}
            assert set(entries[0]["detail"]["skipped"]) == {"tracker_events", "bookings"}  # no such stores here
            assert requests.get(f"{base}/api/sessions/{old.id}", headers=headers, timeout=10).status_code == 404
            assert requests.get(f"{base}/api/sessions/{recent.id}", headers=headers, timeout=10).status_code == 200
        finally:
            process.stop()
