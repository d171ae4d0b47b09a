"""sohoa: digitize scanned Vietnamese public-administration dossiers into a searchable archive."""

__version__ = "0.1.0"
