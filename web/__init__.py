"""The web application (FastAPI, server-rendered pages): search, dossier viewer, upload, review, dashboard, admin."""
