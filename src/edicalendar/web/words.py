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
