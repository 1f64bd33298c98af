"""The handoff service: a sanic app built by a factory. It wires the stores and clients,
the background jobs and the routes (one blueprint per resource in handoff.service.routes);
errors map to JSON answers in one place (handoff.service.answers)."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Optional

from sanic import Sanic

from handoff.config import HandoffConfig
from handoff.connectors.base import LiveAgentConnector
from handoff.control.auto_switch import run_auto_switch
from handoff.control.kill_switch import KillSwitch
from handoff.control.rule_log import RuleLog
from handoff.insights.exposition import Exposition
from handoff.insights.service import Insights, keep_up
from handoff.connectors.console import ConsoleConnector
from handoff.qa.parts import QAParts
from handoff.qa.settings import QASettings
from handoff.audit import AuditLog
from handoff.privacy.policy import PrivacyPolicy
from handoff.relay.backlog import Backlog
from handoff.relay.reconcile import Reconciler
from handoff.service import guard
from handoff.service.answers import register_error_answers, strict_json
from handoff.service.desk import relay_customer_event
from handoff.service.inputs import capped_event
from handoff.service.duty import Duty
from handoff.service.escalation import run_escalation
from handoff.service.fanout import Fanout
from handoff.service.hub import Hub
from handoff.service.leader import Leadership, lock_key
from handoff.service.queue_exit import run_queue_watch
from handoff.service.rabbit import consume_rasa_events
from handoff.service.rasa_client import RasaClient
from handoff.service.roster import watch as watch_agents
from handoff.service.erasure import run_retention
from handoff.service.routes import (agents, assist, audit, connectors, console, control, corrections, dashboard, erasure,
                                    intake, metrics, qa, sessions, staffing)
from handoff.service.settings import ServiceSettings
from handoff.service.store import SessionStore
from handoff.service.throttle import Throttle


def create_app(settings: ServiceSettings, store: Optional[SessionStore] = None,
               rasa: Optional[RasaClient] = None, connector: Optional[LiveAgentConnector] = None,
               name: str = "handoff", privacy: Optional[PrivacyPolicy] = None) -> Sanic:
    app = Sanic(name, dumps=strict_json)
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024  # agents only send their token and pings
    app.ctx.settings = settings
    app.ctx.throttle = Throttle(settings.throttle)
    app.ctx.store = store or SessionStore.from_url(settings.database_url)
    app.ctx.rasa = rasa or RasaClient(settings.rasa_url, settings.rasa_token, timeout=settings.rasa_timeout,
                                      jwt_secret=settings.rasa_jwt_secret)
    app.ctx.connector = connector or ConsoleConnector()
    app.ctx.privacy = privacy or PrivacyPolicy.load()
    app.ctx.connector.audience = app.ctx.privacy.audience(app.ctx.connector.name())
    app.ctx.audit = AuditLog.on(app.ctx.store.engine)
    # Presence lives in the database, so a restart does not forget who is on duty.
    app.ctx.duty = Duty(settings.hours, settings.agent_idle_seconds, app.ctx.store)
    app.ctx.hub = Hub(app.ctx.store.get)
    app.ctx.backlog = Backlog(app.ctx.hub.publish)
    app.ctx.store.subscribe(app.ctx.hub.push)
    app.ctx.fanout = None
    if app.ctx.store.shared:  # other instances' changes reach this one's agents, and the other way
        app.ctx.fanout = Fanout(app.ctx.store, app.ctx.hub.push)
        app.ctx.store.subscribe(app.ctx.fanout.announce)
    app.ctx.qa = QAParts.create(app.ctx.store, app.ctx.rasa, QASettings.from_env())
    app.ctx.store.subscribe(app.ctx.qa.job.session_changed)  # a closed session's conversation is reviewed
    _desk(app, settings)
    _background(app, settings)
    register_error_answers(app)
    guard.install(app)
    for module in (console, intake, sessions, connectors, qa, corrections, assist, metrics, control, staffing,
                   dashboard, audit, erasure, agents):
        app.blueprint(module.blueprint())
    return app


def _desk(app: Sanic, settings: ServiceSettings) -> None:
    """The desk's figures (handoff.insights) and controls (handoff.control)."""
    app.ctx.handoff_config = HandoffConfig.load(Path(settings.handoff_config))
    app.ctx.insights = Insights(app.ctx.store.engine, settings.tracker_db_url, app.ctx.handoff_config)
    app.ctx.rule_log = RuleLog(app.ctx.store.engine)
    app.ctx.exposition = Exposition()
    app.ctx.store.subscribe(app.ctx.exposition.changed)
    app.ctx.kill_switch = KillSwitch(app.ctx.store.engine, lambda: app.ctx.audit)


def _background(app: Sanic, settings: ServiceSettings) -> None:
    @app.listener("after_server_start")
    async def start_background(app: Sanic, _: Any) -> None:
        await app.ctx.audit.record("system", "config_load", "service", {
            "agents": len(settings.agents), "connector": app.ctx.connector.name(),
            "privacy": app.ctx.privacy.source}, "local")
        if settings.agents_file:
            app.add_task(watch_agents(app, settings))
        if app.ctx.privacy.retention.active:
            app.add_task(run_retention(app))
        app.add_task(run_escalation(app.ctx.store, app.ctx.rasa, settings.escalate_after_seconds))
        app.add_task(Reconciler(app.ctx.store, app.ctx.rasa, settings.settle_seconds).run(settings.reconcile_seconds))
        if app.ctx.fanout is not None:
            app.add_task(app.ctx.fanout.run())
        app.add_task(app.ctx.qa.job.run(app.ctx.qa.settings.every_seconds))
        if settings.tracker_db_url:
            app.add_task(keep_up(app.ctx.insights.facts))
        auto = app.ctx.handoff_config.desk.auto_switch
        if auto.enabled and settings.tracker_db_url:
            app.add_task(run_auto_switch(app.ctx.kill_switch, app.ctx.insights.facts, auto))
        app.add_task(run_queue_watch(app.ctx.store, app.ctx.rasa, app.ctx.duty.off_duty_reason,
                                     settings.queue_check_seconds))
        if settings.rabbitmq_url:
            def consume() -> Any:
                return consume_rasa_events(settings.rabbitmq_url, settings.rabbitmq_queue,
                                           lambda event: relay_customer_event(app, capped_event(event)))

            if app.ctx.store.shared:  # several instances: one consumes at a time, in order; the others stand by
                leadership = Leadership(app.ctx.store.engine, f"RabbitMQ queue {settings.rabbitmq_queue}",
                                        key=lock_key(settings.rabbitmq_queue))
                app.ctx.consuming = asyncio.ensure_future(
                    leadership.run(consume, lambda connection: connection.close()))
            else:
                app.ctx.consumer = await consume()

    @app.listener("after_server_stop")
    async def close_clients(app: Sanic, _: Any) -> None:
        if app.ctx.fanout is not None:
            app.ctx.fanout.stop()
        if getattr(app.ctx, "consuming", None) is not None:
            app.ctx.consuming.cancel()  # stops consuming and frees the leadership for another instance
            await asyncio.gather(app.ctx.consuming, return_exceptions=True)
        if getattr(app.ctx, "consumer", None) is not None:
            await app.ctx.consumer.close()
        await app.ctx.rasa.close()
        await app.ctx.connector.close()
