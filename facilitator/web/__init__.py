"""HTTP and WebSocket handlers: pages, join, QR codes, the API, the live socket."""
