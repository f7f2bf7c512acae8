"""The gateway's adapters: where sessions are kept (redis_store.py, or in_process.py: this process, also the unit
tests' fake), each behind a Protocol in the module that uses it (sessions.py: SessionStore)."""
