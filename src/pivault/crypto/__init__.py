"""pivault.crypto."""
