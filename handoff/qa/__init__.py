"""Automatic quality review of every conversation.

rubric (qa.yml, validated), view (a conversation from tracker events and its session),
findings (one module per kind, pure functions of a view), scoring (the score from
the findings and the rubric), store (results in their own table), job (scores a
conversation when its session closes or when it goes idle), domain (the intents,
FAQ keys and answers of the bot's domain)."""
