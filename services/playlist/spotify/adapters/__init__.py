"""The Spotify side's adapters: its state store (Redis or this process), the Web API (spotipy) and the accounts
host (httpx), each behind a Protocol in the module above (store.py, webapi.py, oauth.py)."""
