"""The governance app's pages: the public roster, the inbox, the repository files and the core
maintainers' reports, a module each."""
