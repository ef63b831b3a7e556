/* Draws the routes of a plan (JSON in #route-data) on the project's map (WenmingMap, tile-less fallback):
 * numbered stops in order, a line from the start through the stops to the end. The skip forms get the
 * phone's position, when it is shared, so the rest of the route is re-planned from where the team is. */
(function () {
  "use strict";
  var el = document.getElementById("route-map");
  var data = document.getElementById("route-data");
  if (el && data && window.WenmingMap && window.L) {
    var routes = JSON.parse(data.textContent || "[]");
    var handle = WenmingMap.create(el, { areasUrl: el.dataset.areasUrl, legend: false, fitTo: "points" });
    var colours = ["#c0392b", "#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563"];
    var group = L.featureGroup().addTo(handle.map);
    var ll = function (lat, lon) { var p = handle.project(lat, lon); return L.latLng(p[0], p[1]); };
    routes.forEach(function (route, i) {
      var colour = colours[i % colours.length];
      var line = [ll(route.start[0], route.start[1])];
      route.stops.forEach(function (s) {
        var at = ll(s.lat, s.lon);
        line.push(at);
        var icon = L.divIcon({ className: "route-number", html: String(s.seq), iconSize: [22, 22] });
        var label = document.createElement("span");
        label.textContent = s.seq + ". " + s.name + " · " + s.arrive;
        L.marker(at, { icon: icon, title: s.name }).bindPopup(label).addTo(group);
      });
      line.push(ll(route.end[0], route.end[1]));
      L.polyline(line, { color: colour, weight: 3, opacity: 0.8 }).addTo(group);
      L.circleMarker(line[0], { radius: 6, color: colour, fillOpacity: 1 }).addTo(group);
    });
    var fit = function () { if (group.getLayers().length) handle.map.fitBounds(group.getBounds().pad(0.1)); };
    if (handle.ready && handle.ready.then) handle.ready.then(fit); else fit();
  }
  if (navigator.geolocation && document.querySelector(".skip-form")) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.querySelectorAll(".skip-form").forEach(function (form) {
        form.querySelector("[name=lat]").value = pos.coords.latitude;
        form.querySelector("[name=lon]").value = pos.coords.longitude;
      });
    }, function () {}, { maximumAge: 60000, timeout: 10000 });
  }
})();
