"""The domain rules, each defined once: codes and numbers, folding, document states, digitization codes.

A leaf package: it imports nothing from the rest of sohoa, and every other part may import it.
See docs/domain.md for the rules and the table of examples every user shares (tests/domain).
"""
