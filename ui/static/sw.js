// Cairn's service worker: makes the app installable and keeps the versioned static
// assets (/static/…?v=hash) at hand. It never caches pages or API responses — they are
// personal and must always come from the server — and it never touches non-GET requests.
'use strict';

var CACHE = 'cairn-static-v1';

self.addEventListener('install', function () { self.skipWaiting(); });

self.addEventListener('activate', function (evt) {
  evt.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (evt) {
  var req = evt.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  // Only content-addressed assets: their URL changes whenever their content does.
  if (url.origin !== self.location.origin || url.pathname.indexOf('/static/') !== 0 || !url.searchParams.has('v')) return;
  evt.respondWith(
    caches.open(CACHE).then(function (cache) {
      return cache.match(req).then(function (hit) {
        if (hit) return hit;
        return fetch(req).then(function (res) {
          if (!res.ok) return res;
          var copy = res.clone();
          // Drop older versions of the same asset, then keep this one.
          cache.keys().then(function (old) {
            old.forEach(function (o) { if (new URL(o.url).pathname === url.pathname) cache.delete(o); });
          }).then(function () { return cache.put(req, copy); });
          return res;
        });
      });
    })
  );
});
