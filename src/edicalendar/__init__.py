"""edicalendar: the NHS EDI awareness calendar for any year, with feeds, campaigns and reminders."""

__version__ = "0.1.0"
