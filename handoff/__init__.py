"""The human handoff module: detection inside Rasa, transfer to live agents."""
