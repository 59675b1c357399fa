"""pivault.service."""
