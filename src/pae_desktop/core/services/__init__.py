"""Use cases, one module each: the only entry points of the UI and the command line into the domain."""
