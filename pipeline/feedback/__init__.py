"""The feedback loop offline: ratings exported from the store, the like rate per model version, and a
reward-weighted fine-tune of the mood head."""
