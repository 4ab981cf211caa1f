"""One module per `microcosem` subcommand."""
