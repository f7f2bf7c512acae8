"""The genre map: rebuilding genremappings.json from ../shared and measuring it on hand labels."""
