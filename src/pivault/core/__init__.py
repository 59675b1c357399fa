"""pivault.core."""
