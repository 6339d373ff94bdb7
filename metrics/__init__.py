"""Skills Spotlight: metrics."""
