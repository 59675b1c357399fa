"""pivault.cli."""
