"""Recommendation: the catalog, its feature index, candidate search, diversity, credits, sequencing, genre shares,
explanations, seasons and the export formats."""
