"""nn-playground's web app: adapts the engine to HTTP and websockets."""
