"""The rules of a workshop: pure and synchronous, no I/O (STYLE.md, point 1)."""
