"""Offline jobs behind the `pressedplay` command: data, catalog, genre map, training, evaluation."""
