"""Rating store adapters: SQLite (embedded default) and DynamoDB."""
