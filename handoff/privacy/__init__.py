"""Personal data kept out of every store and every desk: one detector per kind
(handoff.privacy.detectors), the Redactor that replaces what they find with
`[REDACTED:<kind>]`, the policy of what each audience may see (privacy.yml:
the bot's tracker store, the internal console, outsourced desks, logs), the log filter
and the notice the customer gets once when a card number was not kept."""
from handoff.privacy.redactor import Redacted, Redactor
from handoff.privacy.spans import KINDS, marker

__all__ = ["KINDS", "Redacted", "Redactor", "marker"]
