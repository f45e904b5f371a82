"""What every layer shares: the one settings class and the project's error classes."""
