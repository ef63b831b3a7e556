/* Wenming surveys — offline helper (scope /surveys/). Network first; when the network fails, the last copy of
   an interviewer's collection form and of the static files is served so interviews continue offline.
   Submissions are never cached or replayed here: collect.js resends its outbox itself (idempotent client_id). */
"use strict";
var CACHE = "wenming-survey-v1";
var STATIC = "{{ static_prefix|escapejs }}";
var PAGES = "{{ pages_prefix|escapejs }}";
var COLLECT = /\/waves\/\d+\/collect\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function cacheable(request) {
  if (request.method !== "GET" || request.headers.get("HX-Request")) return false;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return url.pathname.indexOf(STATIC) === 0 || (url.pathname.indexOf(PAGES) === 0 && COLLECT.test(url.pathname));
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
