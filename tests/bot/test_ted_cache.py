"""CachedTEDPolicy answers exactly what TEDPolicy answers, running the model once per
dialogue state: checked on the trained test model, over every turn of the stories."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import numpy as np
import pytest
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.ted_cache import CachedTEDPolicy
from tests.servers import ROOT, train_test_model


@pytest.fixture(scope="module")
def loaded() -> Tuple[CachedTEDPolicy, Any]:
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=str(train_test_model())))
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # the loaded graph's components
    policy = next(node._component for node in nodes if isinstance(node._component, CachedTEDPolicy))
    return policy, agent.domain


def story_turns(domain: Any) -> Iterator[DialogueStateTracker]:
    """The tracker before each action of each story, as the policy sees it in a conversation."""
    from rasa.core.training import load_data

    for folder in ("stories", "rules"):
        for story in load_data(str(ROOT / "data" / folder), domain, augmentation_factor=0):
            events = list(story.events)
            for i, event in enumerate(events):
                if isinstance(event, ActionExecuted) and i > 0:
                    yield DialogueStateTracker.from_events(story.sender_id, events[:i], domain.slots)


def test_same_predictions_as_ted_and_the_model_runs_once_per_state(loaded: Tuple[CachedTEDPolicy, Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    policy, domain = loaded
    runs: List[int] = []
    inference = policy.model.run_inference
    monkeypatch.setattr(policy.model, "run_inference", lambda data: runs.append(1) or inference(data))
    trackers = list(story_turns(domain))
    assert len(trackers) > 40
    policy._predictions.clear()
    for tracker in trackers * 2:
        cached = policy.predict_action_probabilities(tracker, domain)
        plain = TEDPolicy.predict_action_probabilities(policy, tracker, domain)
        assert np.allclose(cached.probabilities, plain.probabilities, atol=1e-6)
        assert cached.policy_name == plain.policy_name
        assert cached.is_end_to_end_prediction == plain.is_end_to_end_prediction
    distinct = len(policy._predictions)
    # every plain call runs the model; the cached ones only once per distinct state
    assert len(runs) == 2 * len(trackers) + distinct
    assert distinct < len(trackers)


def test_a_hit_is_a_copy(loaded: Tuple[CachedTEDPolicy, Any]) -> None:
    policy, domain = loaded
    tracker = next(story_turns(domain))
    first = policy.predict_action_probabilities(tracker, domain)
    first.probabilities[0] = 42.0
    assert policy.predict_action_probabilities(tracker, domain).probabilities[0] != 42.0


def test_the_cache_is_bounded(loaded: Tuple[CachedTEDPolicy, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    policy, domain = loaded
    monkeypatch.setitem(policy.config, "cache_size", 3)
    policy._predictions.clear()
    for tracker in list(story_turns(domain))[:20]:
        policy.predict_action_probabilities(tracker, domain)
    assert len(policy._predictions) == 3
