"""What crosses service boundaries: the audio-feature schema, errors, logging, health, metrics, HTTP."""
