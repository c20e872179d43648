"""The command line: ``integrationsgraph <command>`` (:mod:`integrationsgraph.cli.main`)."""
