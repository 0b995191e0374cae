"""Practice labs: numpy exercises with checks, run in a separate process with limits."""
