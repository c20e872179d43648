"""The one write path (validate what a change touches, commit whole or not at all) and loading files through it."""
