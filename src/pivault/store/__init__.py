"""pivault.store."""
