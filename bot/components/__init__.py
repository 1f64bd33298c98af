"""Rasa graph components of the assistant itself (not of the handoff module)."""
