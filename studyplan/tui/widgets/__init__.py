"""Widgets of the main screen: header, steps sidebar, resource table, detail pane, note editor."""
