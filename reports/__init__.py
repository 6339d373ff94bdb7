"""Skills Spotlight: reports."""
