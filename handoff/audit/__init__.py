"""The audit log: an append-only record of who did what, when and from where, each entry
chained to the one before by SHA-256, so a change or a deletion is found by
`python -m handoff audit verify`. Entries never hold personal data: their detail is
redacted of every kind before it is written."""
from handoff.audit.chain import GENESIS, AuditEntry
from handoff.audit.log import AuditLog

__all__ = ["GENESIS", "AuditEntry", "AuditLog"]
