"""Readers (layer 6): files and folders -> Article records, with errors for bad input.

Formats, chosen by file extension:

- ``.txt``, ``.md``: one article per file, id = file stem. The first line is
  the title when a blank line follows it, it has at most 200 characters and
  does not end with ``. , ; :`` (a closing quote after a period is fine); the
  text is the rest. A ``meta.jsonl`` in the same folder (records with ``id`` =
  file stem and ``title``, ``outlet``, ``url``, ``published_at``) fills in
  metadata and is not itself an article.
- ``.html``, ``.htm``: one article per page, id = file stem; visible text in
  blocks (script and style dropped), title from <title> or else the first <h1>;
  ``og:site_name``, canonical URL and ``article:published_time`` fill metadata.
- ``.jsonl`` (``.ndjson``) and ``.csv`` (header row): one article per record with
  fields ``id, text, title, outlet, url, published_at``; only ``text`` is
  required; a missing id becomes the first 16 hex characters of the text's
  SHA-256; unknown fields are ignored.

``published_at`` is ISO 8601 (``Z``, offsets, plain dates); naive values are
taken as UTC and every datetime is returned as aware UTC. Files are UTF-8, a
BOM is accepted; plain-text line endings are normalised to ``\\n``.
"""

from __future__ import annotations

from wiretrace.ingest._formats import split_title
from wiretrace.ingest._records import ID_HASH_CHARS, parse_published_at
from wiretrace.ingest._walk import SUPPORTED_SUFFIXES, read_inputs

__all__ = [
    "ID_HASH_CHARS",
    "SUPPORTED_SUFFIXES",
    "parse_published_at",
    "read_inputs",
    "split_title",
]
