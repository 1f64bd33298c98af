"""The durable path between the customer and the agent.

Customer -> agent: Rasa's event broker (handoff.broker) writes each customer event to an
outbox (``outbox``) before sending it, with an id (``ids``); the service stores it once
per id, so a redelivery (from the outbox or from RabbitMQ) is recognised.
Agent -> customer: every agent message has an id from the start, is stored first and
sent with that id in the bot event's metadata (``agent_messages``); a retry looks in the
tracker before it sends again. ``connector_notice`` tells the agents' desk of each customer
message once, and again when the try that stored it stopped first; ``handback`` says where
a hand-back stands (its closing prompt is given once); ``outage`` tells a waiting customer
that their messages are kept while the service cannot be reached. ``reconcile`` repairs
what a fault left half-done."""
