"""One detector per kind of personal data: a pure function of a text returning the
spans it found (handoff.privacy.spans.Span), no I/O."""
