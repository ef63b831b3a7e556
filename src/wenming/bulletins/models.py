"""Models of the bulletins app."""
