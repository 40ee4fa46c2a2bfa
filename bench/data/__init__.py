"""The benchmark's programme-scale data set (`manage.py seed_bench`), written in bulk.

Everything here bypasses the services on purpose: they render PDFs, send mail and journal each
row, which would take far too long for 1,000 dossiers. The rows are built to match what the
services leave behind (states, totals, tranches, receipts), with these deliberate gaps:
- no PDF is rendered: receipts, decision letters and contract versions have no file;
- the journal holds only what the pages show (each dossier's submission, the results);
- django-simple-history (audit app) keeps no history of these rows: bulk_create skips it,
  which is fine for benchmark data nobody audits.
"""
