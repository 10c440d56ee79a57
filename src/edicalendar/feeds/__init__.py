"""iCalendar subscription feeds: what each event says, which feeds exist, and their bytes.

Owns feed events and their UIDs (`events`), the feed definitions (`specs`), subscribe links
(`links`), pure iCalendar rendering (`ical`), SEQUENCE/LAST-MODIFIED change tracking in the
database (`tracking`), building every feed at once (`build`), the campaign plan as a feed
(`campaign_feed`) and static-host headers files (`statichost`). Rendering is pure: tracking
state is passed in and warnings are returned, never printed.
"""
