"""Our own benchmarks: a synthetic corpus of scanned dossier pages and the scripts that print quality figures."""
