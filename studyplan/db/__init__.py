"""Database layer: engine factory, models, sessions and the migration runner."""
