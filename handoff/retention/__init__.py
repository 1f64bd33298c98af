"""Retention and erasure of a customer's data across every store that holds it: Rasa's
tracker store (SQL), the handoff service's sessions and messages, the action server's
bookings. One small target per store (handoff.retention.targets), the decisions in
handoff.retention.eraser, the days in privacy.yml's `retention:` section. The audit log
is kept: it holds no personal data, and every erasure and retention run leaves an entry
with counts only."""
