"""Parts of a screen's behaviour that are not widgets: link health and note keeping."""
