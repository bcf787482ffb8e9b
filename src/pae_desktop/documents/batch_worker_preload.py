"""Imported once by the «forkserver» of PDF batches (core/operations/print_pool.py): the renderers, reportlab
and the fonts, loaded before any worker is forked from the server, which then starts each worker ready."""

from __future__ import annotations

from pae_desktop.documents import batch_worker

batch_worker.preload()
