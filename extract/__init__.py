"""Skills Spotlight: extract."""
