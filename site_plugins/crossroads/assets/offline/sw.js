// Crossroads: the service worker that keeps the handbook and the evaluator
// working offline after a first visit.
//
// Written at build time (site_plugins/crossroads/offline.py) as sw.js at the
// root of the site, so that its scope is the site, wherever it is hosted
// (a domain's root or a folder such as /handbook/). The line declaring
// MANIFEST is replaced by the build with the list of the site's files and a
// content hash of each:
//
//   build      hash of the whole build: names the site cache, and makes this
//              file change (so browsers install it) whenever the site does;
//   runtime    hash of the Python runtime's files: names the runtime cache,
//              which therefore survives a build that changes only pages;
//   files      path (relative to the scope) -> [hash, kind], where kind is
//              "page" or "file" (fetched from the network first, the cached
//              copy when offline), "fixed" (the name changes when the content
//              does: served from the cache), "lazy" (not fetched at install:
//              kept when the page asks for it, and once the evaluator has
//              started) or "runtime" (the same, in the runtime cache).
//
// Pages and unversioned files come from the network first, so a reader who
// is online always sees the current build; the cached copy answers when the
// network fails or has not answered within NETWORK_WAIT_MS. Files whose name
// or `?v=` carries their hash never change, so the cache answers for them.
// Only requests to this site, inside its scope, are answered; the worker
// itself only ever requests the site's own files.

const MANIFEST = { build: "", runtime: "", files: {} };

const NETWORK_WAIT_MS = 4000; // a connection that answers nothing is treated as offline after this
const SCOPE = self.registration.scope; // ends with "/"
const PREFIX = `crossroads:${new URL(SCOPE).pathname}:`;
const SITE_CACHE = `${PREFIX}site:${MANIFEST.build}`;
const RUNTIME_CACHE = `${PREFIX}runtime:${MANIFEST.runtime}`;
const PRECACHED = new Set(["page", "file", "fixed"]);

function cacheFor(kind) {
  return kind === "runtime" ? RUNTIME_CACHE : SITE_CACHE;
}

// The manifest entry of a URL inside the scope: [path, hash, kind], or null.
function entryFor(url) {
  if (!url.href.startsWith(SCOPE)) return null;
  let path = url.pathname.slice(new URL(SCOPE).pathname.length);
  if (path === "index.html" || path.endsWith("/index.html")) path = path.slice(0, -"index.html".length);
  const found = MANIFEST.files[path];
  return found ? [path, found[0], found[1]] : null;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SITE_CACHE);
      const wanted = Object.entries(MANIFEST.files).filter(([, [, kind]]) => PRECACHED.has(kind));
      const present = new Set((await cache.keys()).map((request) => request.url));
      // "no-cache": a copy in the browser's HTTP cache is used only after the
      // server confirms it is current, so an older build never slips in.
      const missing = wanted.map(([path]) => SCOPE + path).filter((url) => !present.has(url));
      await cache.addAll(missing.map((url) => new Request(url, { cache: "no-cache", credentials: "same-origin" })));
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== SITE_CACHE && name !== RUNTIME_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "activate") self.skipWaiting();
  // The evaluator has started its engine: keep the runtime's files and the
  // engine (those the worker fetched before this service worker was in
  // charge come from the browser's HTTP cache, not a second download).
  // Only the files of the page's language edition (de/, ja/, or the root's).
  else if (type === "keep-runtime") event.waitUntil(keepRuntime(editionOf(event.source && event.source.url)));
});

function editionOf(url) {
  const path = url && url.startsWith(SCOPE) ? url.slice(SCOPE.length) : "";
  return (MANIFEST.editions || []).find((edition) => path.startsWith(edition)) || "";
}

async function keepRuntime(edition) {
  for (const [path, [hash, kind]] of Object.entries(MANIFEST.files)) {
    if (kind !== "runtime" && kind !== "lazy") continue;
    if (editionOf(SCOPE + path) !== edition) continue;
    const cache = await caches.open(cacheFor(kind));
    const key = SCOPE + path;
    if (await cache.match(key)) continue;
    // The page asks for some of them with their hash as `?v=` (the engine,
    // the standard library): the browser's HTTP cache holds them under that
    // address, so it is tried first, without going to the network.
    const versioned = `${key}?v=${hash}`;
    try {
      let response = await fetch(versioned, { cache: "only-if-cached", mode: "same-origin", credentials: "same-origin" })
        .catch(() => null); // not in the HTTP cache under that address
      if (!response || !response.ok) {
        response = await fetch(kind === "lazy" ? versioned : key, { cache: "force-cache", credentials: "same-origin" });
      }
      if (response.ok) await cache.put(key, response);
    } catch {
      // offline again, or the host is gone: kept on the next visit
    }
  }
}

// A kept copy answers as the request's own URL: the evaluator's worker reads
// its settings from the query of its script's URL, which the key leaves out.
function asRequested(request, cached) {
  if (!cached || cached.url === request.url) return cached;
  return new Response(cached.body, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
}

// Served from the cache, else from the network (and kept).
async function cacheFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(key);
  if (cached) return asRequested(request, cached);
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(key, response.clone());
  return response;
}

// From the network (and kept), else the cached copy when the network fails
// or is silent for NETWORK_WAIT_MS.
async function networkFirst(request, key) {
  const cache = await caches.open(SITE_CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(key, response.clone());
    return response;
  });
  let timer;
  const silence = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_WAIT_MS, null);
  });
  try {
    const first = await Promise.race([network, silence]);
    if (first) return first;
  } catch {
    // no network: the cached copy below
  } finally {
    clearTimeout(timer);
  }
  const cached = await cache.match(key);
  return asRequested(request, cached) || network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.cache === "no-store" || request.headers.has("range")) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return;
  const entry = entryFor(url);
  if (!entry) {
    // A file of this site that the build did not list (for example a search
    // language file): from the network, kept for offline use.
    if (request.mode === "navigate" || url.search) return;
    event.respondWith(networkFirst(request, SCOPE + url.pathname.slice(new URL(SCOPE).pathname.length)));
    return;
  }
  const [path, hash, kind] = entry;
  const key = SCOPE + path;
  const version = url.searchParams.get("v");
  if (version !== null && version !== hash) return; // another build's file: the network decides
  if (kind === "fixed" || kind === "runtime" || (kind === "lazy" && version === hash) || (kind === "file" && version === hash)) {
    event.respondWith(cacheFirst(request, cacheFor(kind), key));
  } else if (kind === "page" || kind === "file" || kind === "lazy") {
    event.respondWith(networkFirst(request, key));
  }
});
