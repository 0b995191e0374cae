"""The catalog: its YAML schema, the loader with line-precise errors, and sync into the database."""
