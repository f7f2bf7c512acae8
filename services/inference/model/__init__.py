"""The image model: architectures, preprocessing, mood prior, attention overlays, checkpoints and `Predictor`."""
