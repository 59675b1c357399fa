"""pivault.detect."""
