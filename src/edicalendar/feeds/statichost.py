"""Headers files that tell a static host or CDN how to serve an exported feed folder.

Left to guess, a static host serves `.ics` with whatever type its extension table says (often
`application/octet-stream`, or `text/calendar` without a charset, which mangles non-ASCII names)
and caches it for as long as it likes. Netlify and Cloudflare Pages read `_headers` from the
published folder, Apache reads `.htaccess`; `edicalendar export` writes both beside the feeds.
"""

from __future__ import annotations

#: The type RFC 5545 registers for iCalendar, with the charset the feeds are written in.
CALENDAR_TYPE = "text/calendar; charset=utf-8"
#: How long a CDN or client may reuse a feed: an hour, so a corrected date reaches every
#: subscriber's next poll (clients refresh daily at most) without hammering the origin.
FEED_MAX_AGE = 3600
#: The subscribe page changes only when feeds are added; five minutes is plenty.
PAGE_MAX_AGE = 300
#: `no-transform` (RFC 9111) asks caches and compressing proxies to pass the bytes unchanged:
#: Outlook has failed to subscribe to a gzip-compressed feed (markuspoerschke/iCal#541).
FEED_CACHE = "public, max-age={age}, no-transform"


def netlify_headers(feed_max_age: int = FEED_MAX_AGE, page_max_age: int = PAGE_MAX_AGE) -> str:
    """`_headers` for Netlify and Cloudflare Pages (a path line, then indented headers).

    The rules never overlap: both hosts merge a header set by two matching rules into one
    comma-joined value. `Content-Type` keeps its canonical case, which Netlify needs to replace
    its own header rather than send two.
    """
    return (
        "# Written by `edicalendar export`: how Netlify and Cloudflare Pages serve this folder.\n"
        "/feeds/*\n"
        f"  Content-Type: {CALENDAR_TYPE}\n"
        f"  Cache-Control: {FEED_CACHE.format(age=feed_max_age)}\n"
        "  Access-Control-Allow-Origin: *\n"
        "  X-Content-Type-Options: nosniff\n"
        "/\n"
        f"  Cache-Control: public, max-age={page_max_age}\n"
        "/index.html\n"
        f"  Cache-Control: public, max-age={page_max_age}\n"
    )


def apache_htaccess(feed_max_age: int = FEED_MAX_AGE, page_max_age: int = PAGE_MAX_AGE) -> str:
    """`.htaccess` for Apache: mod_mime for the type; when loaded, mod_setenvif to keep
    mod_deflate off feeds and mod_headers for caching."""
    return (
        "# Written by `edicalendar export`: how Apache serves this folder.\n"
        "AddType text/calendar .ics\n"
        "AddCharset utf-8 .ics\n"
        "<IfModule mod_setenvif.c>\n"
        '  SetEnvIf Request_URI "\\.ics$" no-gzip\n'
        "</IfModule>\n"
        "<IfModule mod_headers.c>\n"
        '  <FilesMatch "\\.ics$">\n'
        f'    Header set Cache-Control "{FEED_CACHE.format(age=feed_max_age)}"\n'
        '    Header set Access-Control-Allow-Origin "*"\n'
        '    Header set X-Content-Type-Options "nosniff"\n'
        "  </FilesMatch>\n"
        '  <FilesMatch "\\.html$">\n'
        f'    Header set Cache-Control "public, max-age={page_max_age}"\n'
        "  </FilesMatch>\n"
        "</IfModule>\n"
    )


def host_files() -> dict[str, bytes]:
    """Every headers file, by name relative to the export folder."""
    return {
        "_headers": netlify_headers().encode("utf-8"),
        ".htaccess": apache_htaccess().encode("utf-8"),
    }
