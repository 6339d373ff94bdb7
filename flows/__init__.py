"""Skills Spotlight: flows."""
