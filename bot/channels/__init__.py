"""Rasa's REST and socket.io channels with limits applied before any NLP (bot.channels.limits)."""
