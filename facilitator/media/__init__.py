"""Files people upload, made safe to show: a PDF rendered to page images (pdf.py), a photo
downscaled and stripped of its metadata (images.py), both in a worker process (worker.py) so
that a hostile or merely heavy file never blocks the server's event loop.

Nothing here knows HTTP or the store: bytes go in, bytes come out, or a MediaRefused that
says in a sentence why not (web/media.py sends it to the person who uploaded)."""

from __future__ import annotations

from facilitator.media.errors import MediaLimits, MediaRefused

__all__ = ["MediaLimits", "MediaRefused"]
