"""docker-compose.yml gives the tests the services they expect: the same hosts, ports
and credentials as tests/e2e/test_scale_out.py and the store tests."""
from __future__ import annotations

from typing import Any, Dict

import pytest
import yaml

from tests.e2e import test_scale_out
from tests.servers import ROOT


@pytest.fixture(scope="module")
def services() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_postgres_is_the_test_database_with_trust(services: Dict[str, Any]) -> None:
    postgres = services["postgres"]
    assert test_scale_out.POSTGRES == "postgresql://postgres@127.0.0.1:5432/test"
    assert postgres["environment"] == {"POSTGRES_DB": "test", "POSTGRES_HOST_AUTH_METHOD": "trust"}
    assert postgres["ports"] == ["127.0.0.1:5432:5432"]


def test_redis_and_rabbitmq_on_the_ports_and_credentials_of_the_scale_out_test(services: Dict[str, Any]) -> None:
    assert services["redis"]["ports"] == ["127.0.0.1:6379:6379"]
    assert services["rabbitmq"]["ports"] == ["127.0.0.1:5672:5672"]
    source = (ROOT / "tests" / "e2e" / "test_scale_out.py").read_text()
    assert '"url": "127.0.0.1", "port": 6379' in source
    assert "amqp://guest:guest@127.0.0.1:5672/" in source  # the image's default user, allowed from outside
    assert "loopback_users []" in services["rabbitmq"]["environment"]["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"]
