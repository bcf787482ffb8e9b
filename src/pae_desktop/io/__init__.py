"""Readers and writers of the files that come in and go out (SIECLE, CSV, XLSX, iCalendar)."""
