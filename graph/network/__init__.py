"""Networks of actors and fields read from the store, their metrics, and the interactive maps."""
