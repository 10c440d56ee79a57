"""The one project database: SQLite in the data folder by default, PostgreSQL by URL.

Owns opening and checking it (`engine`), knowing it is the ledger the data folder used
(`identity`: an id in the database and a marker file beside it), its tables (`tables`), schema
migrations with frozen DDL per version (`migrations`), typed reads and writes of the small facts
kept in `meta` (`state`, on the write primitives in `keyvalue`) and how instants are stored
(`timestamps`). Imports nothing of the other areas.
"""
