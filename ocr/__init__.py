"""Pure image and text work: load, clean up, recognise, build searchable PDFs. No network, no database."""
