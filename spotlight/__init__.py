"""Skills Spotlight: spotlight."""
