"""The catalog: importing source files, merging them into data/catalog.parquet, reporting on the result."""
