"""studyplan: work through "7 Steps to Understanding Deep Learning" from the terminal."""

__version__ = "0.1.0"
