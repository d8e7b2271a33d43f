"""Built-in report renderers, each registered as a plugin."""
