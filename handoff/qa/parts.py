"""The quality loop's parts in the handoff service: the rubric and the domain's
catalogue, the results and corrections stores on the session store's engine, and the
review job. Built by a factory; the app keeps them as ``app.ctx.qa``."""
from __future__ import annotations

from dataclasses import dataclass

from handoff.corrections.store import CorrectionStore
from handoff.qa.domain import Catalogue
from handoff.qa.job import ReviewJob
from handoff.qa.rubric import Rubric
from handoff.qa.settings import QASettings
from handoff.qa.store import QAStore
from handoff.service.rasa_client import RasaClient
from handoff.service.store import SessionStore


@dataclass
class QAParts:
    settings: QASettings
    rubric: Rubric
    catalogue: Catalogue
    results: QAStore
    corrections: CorrectionStore
    job: ReviewJob

    @classmethod
    def create(cls, sessions: SessionStore, rasa: RasaClient, settings: QASettings) -> QAParts:
        rubric, catalogue = Rubric.load(settings.rubric_file), Catalogue.load(settings.domain_dir)
        results = QAStore(sessions.engine)
        job = ReviewJob(sessions, results, rasa, rubric, catalogue, settings.idle_seconds)
        return cls(settings, rubric, catalogue, results, CorrectionStore(sessions.engine), job)
