"""The real-time side: wire protocol, session runtimes (the writer), fan-out."""
