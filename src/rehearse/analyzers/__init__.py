"""Built-in analyzers, each registered as a plugin like any third-party one."""
