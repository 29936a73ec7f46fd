#!/usr/bin/env bash
# Our cold build against Hugo's on the same generated entries, side by side in one run.
#
#     bench/compare_hugo.sh [ENTRIES=10000] [RUNS=3] [OUTPUT=bench/out/runs]
#
# Installs Hugo from Debian when it is missing, writes a synthetic catalog with
# bench/generate.py, converts the same entries into a Hugo site (entry pages, tag
# and company taxonomies with paginated term pages and RSS feeds, a paginated home
# page, the sitemap), then builds both from cold RUNS times, alternating: no cache
# of any kind, a new output folder, search index excluded.
#
# The Hugo templates are the idiomatic fast ones: term links from .Params (GetTerms
# made Hugo 0.111 over ten times slower here) and no .Related. Our site does more:
# related entries, years, kinds, what's new, stats, alias redirects, catalog.json.
#
# Prints each tool's median wall time and peak memory (maximum resident set from
# /usr/bin/time -v: for Hugo its one process, for us the largest of our processes)
# and the ratios. Targets: time ratio at most 0.8, memory ratio at most 0.5.
set -euo pipefail

ENTRIES="${1:-10000}"
RUNS="${2:-3}"
RUNS_DIR="${3:-}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PY="$REPO/.venv/bin/python"
WORK="$REPO/bench/out"
CONTENT="$WORK/content-$ENTRIES"
HUGO_SITE="$WORK/hugo-$ENTRIES"

if ! command -v hugo >/dev/null; then
    apt-get install -y hugo >/dev/null || { apt-get update >/dev/null && apt-get install -y hugo >/dev/null; }
fi
mkdir -p "$WORK"
if [ ! -d "$CONTENT/entries" ]; then
    rm -rf "$CONTENT"
    "$PY" "$REPO/bench/generate.py" --entries "$ENTRIES" --out "$CONTENT" >/dev/null
fi

# The same catalog as a Hugo site: one page per entry with the resolved tag and
# company ids as taxonomies, and templates that show what ours show.
# Written once and kept, like the corpus: rewriting it would delete 10,000 files
# just before the timed builds (see below).
if [ ! -f "$HUGO_SITE/layouts/_default/single.html" ]; then
rm -rf "$HUGO_SITE"
"$PY" - "$CONTENT" "$HUGO_SITE" <<'PYTHON'
import datetime
import json
import sys
from pathlib import Path

from readinglist.catalog.check import check_content

content, site = Path(sys.argv[1]), Path(sys.argv[2])
catalog = check_content(content, datetime.date.today()).catalog
entries = site / "content" / "entries"
entries.mkdir(parents=True)
for entry in catalog.entries:
    front = {
        "title": entry.title,
        # Hugo wants a whole day: a partial or missing date (none in the synthetic
        # catalog) falls back to the day the entry was added.
        "date": entry.date.isoformat() if entry.date and entry.date.day else str(entry.added),
        "tags": list(entry.tags),
        "companies": [entry.company] if entry.company else [],
        "kind": entry.kind,
        "authors": list(entry.authors),
        "resource": entry.url,
    }
    lines = [f"{key}: {json.dumps(value)}" for key, value in front.items()]
    (entries / f"{entry.slug}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + entry.summary + "\n")
for term in ("tags", "companies"):
    (site / "content" / term).mkdir(parents=True, exist_ok=True)
(site / "hugo.toml").write_text('''baseURL = "https://example.org/"
title = "readinglist"
disableKinds = []
paginate = 100
[taxonomies]
  tag = "tags"
  company = "companies"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
[services.rss]
  limit = 50
''')
layouts = site / "layouts" / "_default"
layouts.mkdir(parents=True)
(layouts / "baseof.html").write_text('''<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head><body><header><a href="/">{{ .Site.Title }}</a> <a href="/tags/">Tags</a> <a href="/companies/">Companies</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
''')
item = '''<li><h3><a href="{{ .Params.resource }}">{{ .Title }}</a></h3>
<p>{{ .Date.Format "2 Jan 2006" }}{{ range .Params.companies }} · <a href="/companies/{{ . }}/">{{ . }}</a>{{ end }} · {{ .Params.kind }} · <a href="{{ .RelPermalink }}">about</a></p>
<ul>{{ range .Params.tags }}<li><a href="/tags/{{ . }}/">{{ . }}</a></li>{{ end }}</ul></li>
'''
pager = '''{{ with .Paginator }}{{ if .HasPrev }}<a rel="prev" href="{{ .Prev.URL }}">Newer</a>{{ end }}
{{ range .Pagers }}<a href="{{ .URL }}">{{ .PageNumber }}</a> {{ end }}
{{ if .HasNext }}<a rel="next" href="{{ .Next.URL }}">Older</a>{{ end }}{{ end }}'''
(layouts / "list.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range (.Paginate .Pages).Pages }}' + item + '{{ end }}</ol>' + pager + '{{ end }}\n')
(layouts / "index.html").write_text('{{ define "main" }}<h1>{{ .Site.Title }}</h1><ol>{{ range (.Paginate .Site.RegularPages).Pages }}' + item + '{{ end }}</ol>' + pager + '{{ end }}\n')
(layouts / "terms.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n')
(layouts / "single.html").write_text('''{{ define "main" }}<article><h1>{{ .Title }}</h1><p><a href="{{ .Params.resource }}">Read it</a></p>
<dl><dt>Published</dt><dd>{{ .Date.Format "2 Jan 2006" }}</dd><dt>Kind</dt><dd>{{ .Params.kind }}</dd>
{{ with .Params.companies }}<dt>Company</dt><dd>{{ range . }}<a href="/companies/{{ . }}/">{{ . }}</a>{{ end }}</dd>{{ end }}
<dt>By</dt><dd>{{ delimit .Params.authors ", " }}</dd>
<dt>Tags</dt><dd><ul>{{ range .Params.tags }}<li><a href="/tags/{{ . }}/">{{ . }}</a></li>{{ end }}</ul></dd></dl>
<h2>Summary</h2>{{ .Content }}</article>
{{ end }}
''')
PYTHON
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Runs COMMAND under /usr/bin/time -v; prints "seconds kib".
timed() {
    local report
    report="$(mktemp)"
    local start end
    start="$(date +%s.%N)"
    /usr/bin/time -v -o "$report" "$@" >/dev/null 2>&1
    end="$(date +%s.%N)"
    local kib
    kib="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")"
    rm -f "$report"
    echo "$(echo "$end - $start" | bc -l) $kib"
}

run_hugo() {
    read -r seconds kib < <(timed hugo --quiet --source "$HUGO_SITE" --destination "$RUNS_DIR/hugo-$1" \
        --cacheDir "$RUNS_DIR/hugo-cache-$1" --ignoreCache --noBuildLock)
    hugo_times+=("$seconds"); hugo_mem+=("$kib")
}
run_ours() {
    read -r seconds kib < <(timed "$PY" -m readinglist build --content "$CONTENT" \
        --out "$RUNS_DIR/ours-$1" --no-search --no-cache)
    ours_times+=("$seconds"); ours_mem+=("$kib")
}

# Every build writes into a folder of its own, and old output is removed only before
# the first and after the last. ext4 does not reuse an inode for 60 s after it was
# deleted (6 minutes while the inode table is not yet written back), and its
# allocator scans past every such inode: for minutes after tens of thousands of
# files are deleted, creating files costs several times more CPU in the kernel,
# charged to whichever build comes next. So the output of the last run stays until
# the next one starts, which removes it, writes that back and lets it age first. Each build starts after a sync, and the
# order alternates, so neither tool always runs second.
# OUTPUT on a RAM disk (/dev/shm/...) takes the disk out of the comparison.
RUNS_DIR="${RUNS_DIR:-$WORK/runs}"
stale=("$RUNS_DIR" "$WORK/hugo-public" "$WORK/hugo-cache" "$WORK/ours-site" "$WORK/.ours-site.next")
for folder in "${stale[@]}"; do
    if [ -e "$folder" ]; then
        rm -rf "${stale[@]}"
        sync
        echo "removed earlier output; waiting 65 s until its inodes may be reused" >&2
        sleep 65
        break
    fi
done
mkdir -p "$RUNS_DIR"
# Bytecode for readinglist's modules, which an installed program has: with
# PYTHONDONTWRITEBYTECODE set, as on CI machines, every run would compile them.
"$PY" -m compileall -q "$REPO/src" >/dev/null
sync
ours_times=(); ours_mem=(); hugo_times=(); hugo_mem=()
for run in $(seq "$RUNS"); do
    if [ $((run % 2)) -eq 1 ]; then
        sync; run_hugo "$run"; sync; run_ours "$run"
    else
        sync; run_ours "$run"; sync; run_hugo "$run"
    fi
    echo "run $run: hugo ${hugo_times[-1]} s ${hugo_mem[-1]} KiB; readinglist ${ours_times[-1]} s ${ours_mem[-1]} KiB"
done

hugo_pages="$(find "$RUNS_DIR/hugo-1" -name '*.html' | wc -l)"
ours_pages="$(find "$RUNS_DIR/ours-1/" -name '*.html' | wc -l)"
hugo_s="$(printf '%s\n' "${hugo_times[@]}" | median)"
ours_s="$(printf '%s\n' "${ours_times[@]}" | median)"
hugo_k="$(printf '%s\n' "${hugo_mem[@]}" | median)"
ours_k="$(printf '%s\n' "${ours_mem[@]}" | median)"
printf '%s entries, median of %s cold builds (search excluded)\n' "$ENTRIES" "$RUNS"
printf '  hugo        %6.2f s  %6.0f MiB  %s HTML pages\n' "$hugo_s" "$(echo "$hugo_k / 1024" | bc -l)" "$hugo_pages"
printf '  readinglist %6.2f s  %6.0f MiB  %s HTML pages\n' "$ours_s" "$(echo "$ours_k / 1024" | bc -l)" "$ours_pages"
printf '  time ratio   %.2f (target <= 0.8)\n' "$(echo "$ours_s / $hugo_s" | bc -l)"
printf '  memory ratio %.2f (target <= 0.5)\n' "$(echo "$ours_k / $hugo_k" | bc -l)"
echo "outputs kept in $RUNS_DIR until the next run"
