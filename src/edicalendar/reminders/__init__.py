"""The reminder bot: what is due, to whom, and a ledger that never loses or replays a reminder.

Owns message content (`messages`), the pure planner (`planner`), the delivery ledger
(`ledger`), one tick of plan-claim-send-record (`dispatch`), the channels to Slack, Teams,
email and the console (`channels/`), the clock (`scheduler`), reading the bot's health
(`health`) and wiring it together (`wiring`). The planner imports no storage or config; the
rest use storage for the ledger and config for channels.
"""
