/* Wenming — offline drafts and the outbox of finished submissions, shared by the phone forms
   (inspections/inspect.js, surveys/collect.js). Plain JS, no framework: load it with a <script> before the
   page script; it defines window.WenmingOutbox and touches nothing by itself.

   - Drafts and queued submissions live in localStorage under keys the page chooses (per user and form);
     `load` / `store` never throw (a full or disabled storage gives null / false).
   - Every submission carries a client-generated UUID (`uuid4`): the server answers a resend with the record
     it already has, so resending never duplicates. `send` posts one stored item, removes it from storage when
     the server accepted it, and never runs twice at the same time for one key.
   - `keys(prefix, accept)` lists the waiting items; `resendWhenOnline` sends them again when the browser is
     back online, every few seconds while something waits, and at once.
   - `registerOffline(swUrl, cache)` registers the page's service worker and caches the page and its static
     files so the form can be reopened without a connection. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var meta = $('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load(key) { try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; } }
  function store(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; } }

  // The stored keys starting with `prefix` (and, with `accept`, whose stored value it accepts).
  function keys(prefix, accept) {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(prefix) === 0 && (!accept || accept(load(k)))) out.push(k);
    }
    return out;
  }

  // Post the item stored under `key`. `request()` is called only when no send for this key is running and
  // returns null (nothing to send) or {url, body, headers, refused}. A 200/201 JSON answer with an id removes
  // the key and gives {ok: true, body}; no connection (or navigator.onLine false: nothing is sent) gives
  // {ok: false, offline: true}; any other answer is
  // handed to refused({status, redirected, json}), whose return value is the result.
  var inflight = {};

  function send(key, request) {
    if (inflight[key]) return inflight[key];
    // The browser knows it has no connection: keep the item queued without trying (a request tried anyway can
    // still reach the server through a service worker on some browsers, and its answer is then lost).
    if (navigator.onLine === false) return Promise.resolve({ok: false, offline: true});
    var req = request();
    if (!req) return Promise.resolve({ok: false, skipped: true});
    var headers = {"Accept": "application/json", "X-CSRFToken": csrfToken()};
    Object.keys(req.headers || {}).forEach(function (name) { headers[name] = req.headers[name]; });
    var p = fetch(req.url, {method: "POST", body: req.body, credentials: "same-origin", headers: headers})
      .then(function (resp) {
        var type = resp.headers.get("Content-Type") || "";
        var body = type.indexOf("application/json") >= 0 ? resp.json() : Promise.resolve(null);
        return body.then(function (json) { return {status: resp.status, redirected: resp.redirected, json: json}; });
      }).then(function (r) {
        if ((r.status === 200 || r.status === 201) && r.json && r.json.id) {
          localStorage.removeItem(key);
          return {ok: true, body: r.json};
        }
        return req.refused(r);
      }, function () {
        return {ok: false, offline: true};
      });
    inflight[key] = p;
    p.then(function () { delete inflight[key]; });
    return p;
  }

  // Call flush() when the browser comes back online, every `every` ms while online (when given) and now if
  // online — each time only when pending() says something waits (no pending: always).
  function resendWhenOnline(flush, pending, every) {
    function due() { return !pending || pending(); }
    window.addEventListener("online", function () { if (due()) flush(); });
    if (every) setInterval(function () { if (navigator.onLine && due()) flush(); }, every);
    if (navigator.onLine && due()) flush();
  }

  function registerOffline(swUrl, cache) {
    if (swUrl && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(swUrl, {scope: swUrl.replace(/sw\.js$/, "")}).catch(function () {});
    }
    if (window.caches && navigator.onLine) {
      // Keep this page and its static files for offline reopening (the worker serves them when offline).
      var urls = [location.href];
      $$('link[rel="stylesheet"]').forEach(function (l) { urls.push(l.href); });
      $$("script[src]").forEach(function (s) { urls.push(s.src); });
      caches.open(cache).then(function (c) {
        return Promise.all(urls.map(function (u) { return c.add(new Request(u, {credentials: "same-origin"})).catch(function () {}); }));
      }).catch(function () {});
    }
  }

  window.WenmingOutbox = {
    $: $, $$: $$, csrfToken: csrfToken, uuid4: uuid4, load: load, store: store, keys: keys, send: send,
    resendWhenOnline: resendWhenOnline, registerOffline: registerOffline
  };
})();
