"""The desk in figures: what the bot finished alone, how often it was wrong, what the
desk did, what it cost (metrics), the same figures for Prometheus (exposition), and how
many people the desk needs per hour (Erlang C, staffing).

Bot-side figures come from Rasa's tracker store, summarised once per conversation
into a table of facts (handoff.insights.fact_store) that is brought up to date before
every read; desk-side figures come from the session store. Both live in databases
every service instance shares, so every instance answers the same numbers."""
