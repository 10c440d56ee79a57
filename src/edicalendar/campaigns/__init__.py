"""Comms campaigns: work (assets, tasks, reminders) anchored to observances, and its progress.

Owns the campaign format (`schema`), loading `campaigns/*.toml` (`files`), days relative to an
occurrence (`relative`), rolling campaigns onto dated instances (`instances`), the history of
what people did (`progress`, in the database), the records the CLI and API print
(`campaign_records`), and the one service both call (`service`). Imports the calendar core and
storage; never feeds, reminders, the web or the CLI.
"""
