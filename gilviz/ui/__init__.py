"""Everything that touches Qt lives here."""
