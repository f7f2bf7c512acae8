"""The web plumbing every service shares (FastAPI / Starlette): the only part of shared/ that imports them."""
