from __future__ import annotations

import logging

import pytest

from bot import log_scrub


@pytest.fixture
def scrubbing() -> None:
    previous = logging.getLogRecordFactory()
    log_scrub.install()
    yield
    logging.setLogRecordFactory(previous)


def test_token_parameters_never_reach_a_handler(scrubbing: None, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("sanic.error")
    with caplog.at_level(logging.INFO):
        logger.error("Exception occurred while handling uri: %r", "http://x/conversations/a/execute?token=s3cret&x=1")
        logger.info("GET /status?Token=abc%20def HTTP/1.1")
        logger.info("nothing to hide: a=1")
    text = caplog.text
    assert "s3cret" not in text and "abc%20def" not in text
    assert "execute?token=[removed]&x=1" in text and "status?Token=[removed]" in text
    assert "nothing to hide: a=1" in text


def test_installing_twice_wraps_once(scrubbing: None) -> None:
    assert log_scrub.install() is False
