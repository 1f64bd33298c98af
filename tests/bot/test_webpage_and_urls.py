"""Where the processes find each other: the URL defaults behind endpoints.yml, and the
demo page's /config.js."""
from __future__ import annotations

import threading
from typing import Dict, Iterator

import pytest
import requests

from bot.urls import apply_defaults, default_urls
from bot.webpage import PageSettings, create_server, main
from tests.servers import free_port


def test_urls_follow_host_and_ports() -> None:
    assert default_urls({}) == {"ACTIONS_URL": "http://127.0.0.1:5055", "HANDOFF_URL": "http://127.0.0.1:5006"}
    env = {"HOST": "0.0.0.0", "ACTIONS_PORT": "6055", "HANDOFF_PORT": "6006"}
    assert default_urls(env) == {"ACTIONS_URL": "http://127.0.0.1:6055", "HANDOFF_URL": "http://127.0.0.1:6006"}
    assert default_urls({"HOST": "10.0.0.5"})["HANDOFF_URL"] == "http://10.0.0.5:5006"


def test_a_url_in_the_environment_wins() -> None:
    env: Dict[str, str] = {"ACTIONS_URL": "http://actions.internal:80", "HANDOFF_URL": " ", "HANDOFF_PORT": "7006"}
    apply_defaults(env)
    assert env["ACTIONS_URL"] == "http://actions.internal:80" and env["HANDOFF_URL"] == "http://127.0.0.1:7006"


def test_rasa_reads_them_in_endpoints_yml(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.utils.endpoints import read_endpoint_config

    from tests.servers import ROOT

    monkeypatch.setenv("ACTIONS_URL", "http://127.0.0.1:6055")
    monkeypatch.setenv("HANDOFF_URL", "http://127.0.0.1:6006")
    monkeypatch.setenv("ACTIONS_TOKEN", "test-actions-token")
    assert read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint").url == "http://127.0.0.1:6055/webhook"
    assert read_endpoint_config(str(ROOT / "endpoints.yml"), "event_broker").url == "http://127.0.0.1:6006"


@pytest.fixture
def page() -> Iterator[str]:
    settings = PageSettings.from_env({"WEB_PORT": str(free_port()), "RASA_PORT": "6005"})
    server = create_server(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        server.shutdown()
        server.server_close()


def test_config_js_names_rasa_and_the_page_loads_it(page: str) -> None:
    config = requests.get(f"{page}/config.js", timeout=5)
    assert config.status_code == 200 and config.headers["Content-Type"].startswith("text/javascript")
    assert config.text == 'window.SHOP_DEMO = {"rasaUrl": "", "rasaPort": 6005};\n'
    index = requests.get(f"{page}/", timeout=5).text
    assert '<script src="config.js"></script>' in index and "config.rasaPort" in index
    assert requests.get(f"{page}/nothing-here", timeout=5).status_code == 404


def test_a_public_rasa_url_and_bad_ports() -> None:
    settings = PageSettings.from_env({"RASA_PUBLIC_URL": "https://chat.example.com/"})
    assert settings.page_config() == {"rasaUrl": "https://chat.example.com", "rasaPort": 5005}
    with pytest.raises(ValueError, match="RASA_PORT is 'abc'; it must be a port number"):
        PageSettings.from_env({"RASA_PORT": "abc"})
    assert main({"WEB_PORT": "70000"}) == 2
