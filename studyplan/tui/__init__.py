"""The Textual interface. Only this package imports textual (DESIGN.md, rule 1)."""
