"""Imported once by the «forkserver» of PDF batches (core/operations/print_pool.py): reportlab, the layout every
renderer uses and the fonts, loaded before any worker is forked from the server, which then starts each worker
ready (each still imports its batch's renderer, `batch_worker.warm`)."""

from __future__ import annotations

from pae_desktop.documents import batch_worker

batch_worker.preload()
