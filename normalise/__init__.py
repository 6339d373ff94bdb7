"""Skills Spotlight: normalise."""
