"""Corrections of the bot by people, behind a human gate.

An agent or a supervisor marks a bot turn: a wrong answer (with what it should have
been: an intent or FAQ of the domain, or out_of_scope), "should have handed off here" or
"should not have handed off" (store). A supervisor approves or rejects each one
(actions: every auditable step is one function). Approved ones leave the desk as Rasa
NLU training data that never repeats an existing example (export), and handoff ones as
the handoff.yml change replay finds would have caught them, with its cost (suggest)."""
