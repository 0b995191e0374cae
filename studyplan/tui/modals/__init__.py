"""Dialogs: the error modal, the skip-reason question and search."""
