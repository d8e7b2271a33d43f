"""Stage 4, the analyzers: the base every analyzer plugin subclasses (:mod:`.base`), and the built-in
ones, each registered as a plugin like any third-party one."""
