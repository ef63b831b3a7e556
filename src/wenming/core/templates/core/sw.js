/* Wenming — an app's offline helper (scope {{ scope|escapejs }}). Network first; when the network fails, the
   last copy of the page and of the static files is served so a phone form and its draft can be reopened
   offline. Submissions are never cached or replayed here: the page script resends its own outbox
   (wenming/outbox.js, idempotent client_id). Rendered by wenming.core.views.ServiceWorkerView. */
"use strict";
var CACHE = "{{ cache|escapejs }}";
var STATIC = "{{ static_prefix|escapejs }}";
var PAGES = "{{ pages_prefix|escapejs }}";
var PAGE = {% if page_pattern %}new RegExp("{{ page_pattern|escapejs }}"){% else %}null{% endif %};

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function cacheable(request) {
  if (request.method !== "GET" || request.headers.get("HX-Request")) return false;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return url.pathname.indexOf(STATIC) === 0 || (url.pathname.indexOf(PAGES) === 0 && (!PAGE || PAGE.test(url.pathname)));
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!cacheable(request)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, {ignoreVary: true}).then(function (hit) {
        return hit || new Response(
          "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
          "<p style='font:16px sans-serif;padding:1rem'>网络不可用，且此页面尚未缓存。请恢复网络后重试。</p>",
          {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
      });
    })
  );
});
