"""Stage 6, the report formats: the base every renderer subclasses (:mod:`.base`), and the built-in
ones, each registered as a plugin."""
