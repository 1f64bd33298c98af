from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.servers import Servers, train_test_model


@pytest.fixture(scope="session")
def test_model() -> Path:
    return train_test_model()


@pytest.fixture(scope="session")
def servers(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("servers"), test_model)
    try:
        yield running.start()
    finally:
        running.stop()
