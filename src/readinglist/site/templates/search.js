// Search with Pagefind; filter state lives in the URL so a filtered view can be shared.
// Loaded only by the search page: without JavaScript the site browses through its index pages.
const base = document.querySelector("script[data-base]").dataset.base;
const form = document.getElementById("search");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const FILTERS = ["tag", "company", "kind", "year"];
let pagefind = null;
let latest = 0;

function readUrl() {
  // The address fills only what it names: words typed before this script ran are kept.
  const params = new URLSearchParams(window.location.search);
  if (params.has("q")) form.elements.q.value = params.get("q");
  for (const name of FILTERS) {
    if (!params.has(name)) continue;
    const wanted = params.get(name);
    const select = form.elements[name];
    if (wanted && !Array.from(select.options).some((o) => o.value === wanted)) {
      select.add(new Option(wanted, wanted));
    }
    select.value = wanted;
  }
}

function writeUrl() {
  const params = new URLSearchParams();
  if (form.elements.q.value.trim()) params.set("q", form.elements.q.value.trim());
  for (const name of FILTERS) {
    if (form.elements[name].value) params.set(name, form.elements[name].value);
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

function item(data) {
  const li = document.createElement("li");
  const h3 = document.createElement("h3");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  h3.append(a);
  const p = document.createElement("p");
  p.className = "meta";
  // The excerpt is Pagefind's own text with <mark> around matches; keep only the text.
  const excerpt = document.createElement("template");
  excerpt.innerHTML = data.excerpt || "";
  p.textContent = excerpt.content.textContent;
  li.append(h3, p);
  return li;
}

async function run() {
  const ticket = ++latest;
  writeUrl();
  const term = form.elements.q.value.trim() || null;
  const filters = {};
  for (const name of FILTERS) {
    if (form.elements[name].value) filters[name] = form.elements[name].value;
  }
  if (!term && Object.keys(filters).length === 0) {
    list.replaceChildren();
    status.textContent = "Type words or pick a filter.";
    return;
  }
  if (!pagefind) {
    pagefind = await import(`${base}pagefind/pagefind.js`);
    await pagefind.options({ baseUrl: base });
  }
  const search = await pagefind.search(term, { filters, sort: term ? {} : { date: "desc" } });
  const results = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...results.map(item));
  const n = search.results.length;
  status.textContent = `${n} ${n === 1 ? "entry" : "entries"} found${n > 50 ? ", showing the first 50" : ""}.`;
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
form.addEventListener("input", () => { run(); });
readUrl();
run();
