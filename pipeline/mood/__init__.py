"""The mood head: fitting it on rated photos, reporting on it, and the figures that show it."""
