"""``python -m integrationsgraph``: the command line."""

from integrationsgraph.cli.main import main

if __name__ == "__main__":
    main()
