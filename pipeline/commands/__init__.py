"""One module per `pressedplay` subcommand group; each defines register(subparsers). Discovered by cli.py."""
