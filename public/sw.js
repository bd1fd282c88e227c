// Yorisoi's service worker.
//
// - Offline: keeps the app shell (hashed WASM, JS, CSS, icons, the offline page) and the parent's
//   last timeline and consultations, so they stay readable without a connection, marked as a saved
//   copy. Staff pages are never kept: they hold many families' records.
// - Privacy: saved pages are dropped when someone logs in, joins or logs out, and when the server
//   says the session is over (a redirect to the login page).
// - Updates: `/sw-assets.js` (made by the server for each build) names this build's files; when it
//   changes, the browser installs a new worker, which waits until the page agrees to reload
//   (`SKIP_WAITING`), so an open page is never switched under its feet.
// - Push: shows a reminder when a push arrives and opens the right screen when it is tapped.
//   Payloads carry only a title and an in-app link; the app shows the rest after login.
importScripts('/sw-assets.js'); // defines self.YORISOI_BUILD = { version, precache: [...] }

const BUILD = self.YORISOI_BUILD || { version: 'dev', precache: [] };
const SHELL = `yorisoi-shell-${BUILD.version}`;
const PAGES = 'yorisoi-pages';
const OFFLINE_PAGE = '/offline.html';
const SHELL_FILES = [OFFLINE_PAGE, '/offline.css', '/offline.js', '/manifest.webmanifest', '/pwa.js', '/favicon.ico',
  '/icons/icon-192.png', '/icons/maskable-192.png'];

// Parent pages worth reading offline. Everything else goes to the network only.
const KEPT_PAGES = [/^\/home$/, /^\/consultations$/, /^\/consultations\/\d+$/];
// Requests after which the saved pages belong to nobody any more.
const SESSION_CHANGES = ['/api/login', '/api/logout', '/api/join'];
// cargo-leptos names built files `<name>.<22-character hash>.<ext>`: they never change.
const HASHED = /^\/pkg\/.+\.[A-Za-z0-9_-]{22}\.[a-z]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll([...SHELL_FILES, ...BUILD.precache])),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== PAGES).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
  if (event.data && event.data.type === 'FORGET_PAGES') event.waitUntil(caches.delete(PAGES));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SESSION_CHANGES.includes(url.pathname)) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event, request, url));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (SHELL_FILES.includes(url.pathname) || url.pathname.startsWith('/pkg/')) {
    event.respondWith(networkFirst(request));
  }
});

async function navigate(event, request, url) {
  const keep = KEPT_PAGES.some((re) => re.test(url.pathname));
  const saved = keep ? await (await caches.open(PAGES)).match(url.pathname) : undefined;
  const network = fetchAndKeep(request, url, keep);
  event.waitUntil(network.catch(() => null));
  if (saved) {
    // On a train the network may hang rather than fail: after a few seconds the saved copy is
    // shown, and the page is still saved when the answer comes.
    const late = new Promise((resolve) => setTimeout(() => resolve(null), 6000));
    const first = await Promise.race([network.catch(() => null), late]);
    return first || markSaved(saved);
  }
  try {
    return await network;
  } catch (offline) {
    const fallback = await caches.match(OFFLINE_PAGE);
    return fallback || Response.error();
  }
}

async function fetchAndKeep(request, url, keep) {
  const response = await fetch(request);
  if (response.redirected && new URL(response.url).pathname === '/login') {
    await caches.delete(PAGES);
  } else if (keep && response.ok && !response.redirected) {
    const copy = response.clone();
    const body = await copy.text();
    const headers = new Headers(copy.headers);
    headers.set('x-yorisoi-saved-at', new Date().toISOString());
    const cache = await caches.open(PAGES);
    await cache.put(url.pathname, new Response(body, { status: 200, headers }));
  }
  return response;
}

// A saved page says so: the app reads `data-saved-at` on <html> and shows when it was saved.
async function markSaved(saved) {
  const at = saved.headers.get('x-yorisoi-saved-at') || '';
  const html = (await saved.text()).replace(/<html([^>]*)>/, `<html$1 data-saved-at="${at.replace(/[^0-9TZ:.-]/g, '')}">`);
  // The saved page's own policy goes with it: its scripts carry that response's nonce.
  const headers = { 'content-type': 'text/html; charset=utf-8' };
  const policy = saved.headers.get('content-security-policy');
  if (policy) headers['content-security-policy'] = policy;
  return new Response(html, { status: 200, headers });
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
    return response;
  } catch (offline) {
    const cached = await caches.match(request);
    return cached || Response.error();
  }
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = {};
  }
  const title = typeof data.title === 'string' && data.title ? data.title : 'よりそい';
  // Only links inside the app are followed.
  const url = typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//') ? data.url : '/home';
  event.waitUntil(self.registration.showNotification(title, { data: { url }, icon: '/icons/icon-192.png', badge: '/icons/maskable-192.png', lang: 'ja', tag: url }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/home', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (w.url === target && 'focus' in w) return w.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});
