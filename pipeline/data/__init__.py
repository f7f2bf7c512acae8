"""Training data: covers, the nine distortions, pairing covers with catalog tracks, Parquet shards (dask)."""
