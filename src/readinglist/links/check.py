"""One run: read the cache, request what it does not vouch for, remember the answers, report.

Prints nothing: progress goes to the callbacks, and the report to the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from readinglist.config import LinkPolicy, LinkSettings
from readinglist.links.cache import read_cache, write_cache
from readinglist.links.http import SYSTEM_CLOCK, Clock, check_urls
from readinglist.links.policy import Observation, needs_request, update_cache
from readinglist.links.report import LinkReport, result_for
from readinglist.links.targets import LinkTarget


def check_links(
    targets: Sequence[LinkTarget],
    cache_path: str,
    settings: LinkSettings = LinkSettings(),
    policy: LinkPolicy = LinkPolicy(),
    clock: Clock = SYSTEM_CLOCK,
    on_result: Callable[[str, Observation], None] | None = None,
    whole_catalog: bool = True,
    on_start: Callable[[int], None] | None = None,
) -> LinkReport:
    """Read the cache, ask for what it does not vouch for, remember, report.

    ``whole_catalog`` drops cached URLs no entry uses any more; a partial run
    (``--only-changed``) keeps them. ``on_start`` hears how many URLs will be
    requested, for a progress bar.
    """
    cache, problems = read_cache(cache_path)
    now = clock.now()
    urls = list(dict.fromkeys(t.url for t in targets))
    wanted = [u for u in urls if needs_request(cache.get(u), now, policy)]
    if on_start is not None:
        on_start(len(wanted))
    observations = asyncio.run(check_urls(wanted, settings, clock, on_result)) if wanted else {}
    updated = update_cache(cache, observations, now, urls if whole_catalog else None)
    problems += write_cache(cache_path, updated)
    results = tuple(result_for(t, updated[t.url], t.url in observations, policy) for t in targets)
    return LinkReport(results, len(observations), tuple(problems))
