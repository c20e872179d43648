"""Everything that works on the store and the files; never imports ``api`` or ``cli``.

The rooms, lowest first (each imports only those before it; ``scripts/lint`` checks it with import-linter):
``core`` → ``rdf`` → ``store`` → ``shacl`` → ``write`` → ``network`` · ``publish`` · ``resources`` → ``sheets``
· ``sparql`` · ``datasets``. See ``docs/architecture.md``.
"""
