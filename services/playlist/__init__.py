"""The playlist service."""
