"""The four FastAPI services; they never import each other, only shared/."""
