"""Words the pages show that come from data rather than templates: category labels, date
statuses, date caveats, the date conventions and the default feeds' titles, marked here so
`pybabel extract` puts them in the Welsh catalogue. A test checks that every label the data can
produce is listed here."""

from __future__ import annotations

from edicalendar.i18n import N_

#: The Equality Act 2010 protected characteristics and the two further categories
#: (edicalendar.model.CATEGORY_LABELS).
CATEGORIES = (
    N_("Age"),
    N_("Disability"),
    N_("Gender reassignment"),
    N_("Marriage and civil partnership"),
    N_("Pregnancy and maternity"),
    N_("Race"),
    N_("Religion or belief"),
    N_("Sex"),
    N_("Sexual orientation"),
    N_("Health and wellbeing"),
    N_("General EDI"),
)
#: How sure a date is (edicalendar.model.Status), and the caveat of a festival at sunset.
STATUSES = (N_("confirmed"), N_("provisional"), N_("estimated"))
CAVEATS = (N_("begins the evening before"),)
#: The default feeds' titles, as the observance page lists them.
FEED_TITLES = (
    N_("EDI calendar: everything"),
    N_("EDI calendar: faith festivals"),
    N_("EDI calendar: awareness days"),
)
SITE = (N_("EDI awareness calendar"),)
#: The conventions communities date festivals by (edicalendar.calendar.conventions), as the
#: date notes name them.
CONVENTIONS = (
    N_("Umm al-Qura calendar (Saudi Arabia)"),
    N_("UK moon sighting (crescent visible from London)"),
    N_("calculated (ECFR and Fiqh Council of North America)"),
    N_("full moon in May (UK calendars)"),
    N_("Sri Lanka and India (full moon of Vaishakha)"),
    N_("Singapore and Malaysia"),
    N_("Thailand (Visakha Bucha)"),
    N_("Indian almanac (New Delhi)"),
    N_("UK almanac (London sunset)"),
    N_("Tibetan (Phugpa) calendar"),
    N_("Bhutanese calendar"),
)
#: Roles (edicalendar.model.Role), as the header and the private pages show them.
ROLES = (N_("viewer"), N_("editor"), N_("admin"), N_("none"))
#: What a campaign publishes and how far along it is (edicalendar.model.AssetKind, AssetStatus).
ASSET_KINDS = (
    N_("blog"),
    N_("social"),
    N_("newsletter"),
    N_("intranet"),
    N_("event"),
    N_("video"),
    N_("toolkit"),
)
ASSET_STATUSES = (
    N_("planned"),
    N_("drafting"),
    N_("in-review"),
    N_("approved"),
    N_("ready"),
    N_("published"),
)
#: Who a campaign is for (edicalendar.web.campaign_form.AUDIENCES).
AUDIENCES = (N_("staff"), N_("managers"), N_("stakeholders"), N_("public"))
#: Communication freezes (edicalendar.calendar.freezes): kinds, what they hold back, scopes and
#: states.
FREEZE_KINDS = (
    N_("general election pre-election period"),
    N_("devolved election pre-election period"),
    N_("local election pre-election period"),
    N_("mayoral election pre-election period"),
    N_("police and crime commissioner election pre-election period"),
    N_("period of national mourning"),
    N_("organisation communications freeze"),
)
FREEZE_RESTRICTIONS = (
    N_("public announcements and social posts"),
    N_("public and staff announcements"),
    N_("everything, internal reminders included"),
)
FREEZE_SCOPES = (N_("national"), N_("nation"), N_("local"), N_("organisation"))
FREEZE_STATES = (N_("upcoming"), N_("in force"), N_("over"), N_("ended"), N_("cancelled"))
