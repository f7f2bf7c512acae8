"""Measuring a model and the recommender."""
