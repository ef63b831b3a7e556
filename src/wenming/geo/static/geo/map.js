/* WenmingMap — the platform's one map script (points, areas, cases, dashboards).
 *
 *   WenmingMap.create(element, {
 *     areasUrl: "/api/v1/geo/areas/geojson/",    // GeoJSON FeatureCollection of areas (WGS-84)
 *     pointsUrl: "/api/v1/geo/points/geojson/",  // GeoJSON FeatureCollection of points (WGS-84)
 *     settings: {tile_url, tile_key, tile_crs, attribution},  // default: the page's #map-settings JSON
 *     legend: true, fitTo: "auto" | "areas" | "points", maxZoom: 18, center: [lat, lon], zoom: 12,
 *     pointStyle: function (feature) { return {fillColor: …} },   // optional
 *     popup: function (feature) { return "<b>html</b>" },         // optional (escape your own text)
 *     statusElement: element,                                     // optional: "共 N 个点位" / errors
 *     areaPopups: true                                            // false: areas draw only, taps go to the map
 *   }) → {map, layers: {areas, labels, points}, ready, reload(), setPointsUrl(url), project(lat, lon)}
 *
 * Readiness: when the first load has drawn its layers and fitted the view (or failed), the element gets
 * `data-map-ready="1"` and `ready` resolves; nothing moves the view by itself after that. If the user has
 * already dragged, zoomed or tapped the map before the data arrive, the first load does not re-fit the view
 * (it would pull the map away from what the user is doing). With `areaPopups: false` the area polygons are not
 * interactive: on the canvas renderer a tap anywhere inside an area would otherwise open the area's popup and
 * stop the map's own click (Leaflet's `_openPopup` stops the event), so a tap-to-choose page never saw the tap.
 *
 * With a tile URL (settings.tile_url, e.g. 天地图 / AMap / Tencent) the tiles are drawn and every WGS-84
 * position is converted to the tiles' system (GCJ-02 or BD-09) here, in the browser. Without one — the
 * default, offices run on intranets — the map is tile-less: the district's own area polygons on a plain
 * background (streets lightly filled with labels, communities as outlines, grids when zoomed in).
 * Note: BD-09 converts positions; real Baidu tiles also need Baidu's own tile projection (not included).
 */
(function (global) {
  "use strict";

  // --- WGS-84 → GCJ-02 → BD-09: the standard published formulas (Krasovsky 1940 ellipsoid) ----------
  var PI = Math.PI;
  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  var X_PI = (PI * 3000.0) / 180.0;

  function outOfChina(lat, lon) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }
  function transformLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    r += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
    r += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
    return r;
  }
  function transformLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    r += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
    r += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
    return r;
  }
  function wgs84ToGcj02(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var dLat = transformLat(lon - 105.0, lat - 35.0);
    var dLon = transformLon(lon - 105.0, lat - 35.0);
    var radLat = (lat / 180.0) * PI;
    var magic = Math.sin(radLat);
    magic = 1 - EE * magic * magic;
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
    dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
    return [lat + dLat, lon + dLon];
  }
  function gcj02ToBd09(lat, lon) {
    var z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
    var theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
    return [z * Math.sin(theta) + 0.006, z * Math.cos(theta) + 0.0065];
  }
  function normaliseCrs(crs) {
    return String(crs || "WGS84").toUpperCase().replace(/[-_ ]/g, "");
  }
  /** [lat, lon] in `crs` (WGS84 | CGCS2000 | GCJ02 | BD09) for a WGS-84 position. */
  function fromWgs84(lat, lon, crs) {
    crs = normaliseCrs(crs);
    if (crs === "GCJ02") return wgs84ToGcj02(lat, lon);
    if (crs === "BD09") {
      var g = wgs84ToGcj02(lat, lon);
      return gcj02ToBd09(g[0], g[1]);
    }
    return [lat, lon];
  }

  // --- helpers -----------------------------------------------------------------------------------
  function escapeHtml(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function readSettings() {
    var el = typeof document !== "undefined" && document.getElementById("map-settings");
    if (!el) return {};
    try { return JSON.parse(el.textContent) || {}; } catch (e) { return {}; }
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  var STREET_FILLS = ["#f6d5c8", "#d7e8f5", "#dcefd8", "#f3e6bf", "#e6dcf3", "#f5d9e6", "#d5efee", "#ece3d6"];
  var LEVEL_STYLE = {
    district: { color: "#c0392b", weight: 2.5, fill: false },
    street: { color: "#6b7785", weight: 1.6, fillOpacity: 0.35 },
    community: { color: "#8895a7", weight: 1, dashArray: "4 3", fill: false },
    grid: { color: "#aab4c0", weight: 0.6, dashArray: "2 3", fill: false }
  };
  var TEXT = {
    points: "个点位", loadFailed: "地图数据加载失败", offline: "离线底图：仅绘制区域边界",
    synthetic: "示意边界，非真实行政区划", detail: "查看详情", population: "人口"
  };

  function defaultPopup(feature, typeNames) {
    var p = feature.properties || {};
    var type = typeNames[p.type] ? " · " + escapeHtml(typeNames[p.type]) : "";
    return "<strong>" + escapeHtml(p.name) + "</strong><br><span class=\"wm-muted\">" + escapeHtml(p.code) + type +
      "</span>" + (p.address ? "<br>" + escapeHtml(p.address) : "") +
      (p.status_label ? "<br>" + escapeHtml(p.status_label) : "") +
      (p.url ? "<br><a href=\"" + escapeHtml(p.url) + "\">" + TEXT.detail + " ›</a>" : "");
  }

  function create(element, options) {
    options = options || {};
    var L = global.L;
    var settings = options.settings || readSettings();
    var hasTiles = !!settings.tile_url;
    var crs = hasTiles ? normaliseCrs(settings.tile_crs) : "WGS84";
    var project = function (lat, lon) { return fromWgs84(lat, lon, crs); };
    var toLatLng = function (coords) { var p = project(coords[1], coords[0]); return L.latLng(p[0], p[1]); };
    var map = L.map(element, { preferCanvas: true, maxZoom: options.maxZoom || 19, attributionControl: hasTiles });
    if (hasTiles) {
      L.tileLayer(settings.tile_url, {
        key: settings.tile_key || "", tk: settings.tile_key || "", attribution: settings.attribution || "",
        subdomains: settings.subdomains || "abc", maxZoom: 19
      }).addTo(map);
    } else {
      element.classList.add("wm-map-plain");
    }
    var gridLayers = [];
    var layers = { areas: L.featureGroup().addTo(map), labels: L.layerGroup().addTo(map),
                   points: L.featureGroup().addTo(map) };
    var byType = {};
    var legendControl = null;
    var pointsUrl = options.pointsUrl;
    var state = { areas: null, points: null };

    function status(text) {
      if (options.statusElement) options.statusElement.textContent = text;
    }
    function zoomClasses() {
      var z = map.getZoom();
      element.classList.toggle("wm-z-community", z >= 14);
      element.classList.toggle("wm-z-grid", z >= 15);
    }
    map.on("zoomend", zoomClasses);

    function drawAreas(fc) {
      layers.areas.clearLayers();
      layers.labels.clearLayers();
      gridLayers = [];
      var streetIndex = 0;
      var order = { district: 0, street: 1, community: 2, grid: 3 };
      var features = (fc.features || []).slice().sort(function (a, b) {
        return (order[a.properties.level] || 0) - (order[b.properties.level] || 0);
      });
      features.forEach(function (feature) {
        var p = feature.properties || {};
        var style = L.extend({}, LEVEL_STYLE[p.level] || LEVEL_STYLE.community);
        if (p.level === "street") {
          style.fillColor = STREET_FILLS[streetIndex++ % STREET_FILLS.length];
          if (hasTiles) style.fillOpacity = 0.12;
        }
        var interactive = options.areaPopups !== false;
        style.interactive = interactive;
        var layer = L.geoJSON(feature, { coordsToLatLng: toLatLng, style: style, interactive: interactive,
                                         className: "wm-area wm-area-" + p.level });
        if (interactive) layer.bindPopup("<strong>" + escapeHtml(p.name) + "</strong> <span class=\"wm-muted\">" +
          escapeHtml(p.level_label) + " · " + escapeHtml(p.code) + "</span>" +
          (p.population != null ? "<br>" + TEXT.population + " " + escapeHtml(p.population) : "") +
          (p.url ? "<br><a href=\"" + escapeHtml(p.url) + "\">" + TEXT.detail + " ›</a>" : ""));
        layer.addTo(layers.areas);
        if (p.level === "grid") gridLayers.push(layer);
        if (p.centroid && (p.level === "street" || p.level === "community")) {
          var at = toLatLng(p.centroid);
          L.tooltip({ permanent: true, direction: "center", className: "wm-label wm-label-" + p.level, interactive: false })
            .setLatLng(at).setContent(escapeHtml(p.name)).addTo(layers.labels);
        }
      });
      updateGrids();
      state.areas = fc;
    }
    function updateGrids() {
      var show = map.getZoom() >= 15;
      gridLayers.forEach(function (layer) {
        if (show && !layers.areas.hasLayer(layer)) layers.areas.addLayer(layer);
        if (!show && layers.areas.hasLayer(layer)) layers.areas.removeLayer(layer);
      });
    }
    map.on("zoomend", updateGrids);

    function drawPoints(fc) {
      layers.points.clearLayers();
      byType = {};
      var typeNames = {};
      (fc.point_types || []).forEach(function (t) { typeNames[t.id] = t.name; });
      (fc.features || []).forEach(function (feature) {
        var p = feature.properties || {};
        var c = feature.geometry && feature.geometry.coordinates;
        if (!c) return;
        var style = L.extend({ radius: 5, color: "#ffffff", weight: 1, fillColor: p.color || "#2563eb", fillOpacity: 0.92 },
                             options.pointStyle ? options.pointStyle(feature) : {});
        var marker = L.circleMarker(toLatLng(c), style);
        marker.bindPopup(options.popup ? options.popup(feature) : defaultPopup(feature, typeNames));
        var key = p.type == null ? "_" : p.type;
        (byType[key] = byType[key] || L.featureGroup().addTo(layers.points)).addLayer(marker);
      });
      state.points = fc;
      status((fc.features || []).length + " " + TEXT.points);
    }

    function drawLegend() {
      if (options.legend === false) return;
      if (legendControl) legendControl.remove();
      legendControl = L.control({ position: "bottomright" });
      legendControl.onAdd = function () {
        var div = L.DomUtil.create("div", "wm-legend");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        var html = "";
        ((state.points && state.points.point_types) || []).forEach(function (t) {
          html += "<label><input type=\"checkbox\" checked data-type=\"" + escapeHtml(t.id) + "\"> <i style=\"background:" +
            escapeHtml(t.color) + "\"></i>" + escapeHtml(t.name) + " <span class=\"wm-muted\">" + escapeHtml(t.count) + "</span></label>";
        });
        if (!hasTiles) html += "<div class=\"wm-muted wm-note\">" + TEXT.offline + "</div>";
        if (state.areas && state.areas.synthetic) html += "<div class=\"wm-muted wm-note\">" + TEXT.synthetic + "</div>";
        div.innerHTML = html;
        div.addEventListener("change", function (e) {
          var group = byType[e.target.getAttribute("data-type")];
          if (!group) return;
          if (e.target.checked) layers.points.addLayer(group); else layers.points.removeLayer(group);
        });
        return div;
      };
      legendControl.addTo(map);
    }

    function fit() {
      var target = options.fitTo || "auto";
      var bounds = null;
      var areaBounds = layers.areas.getLayers().length ? layers.areas.getBounds() : null;
      var pointBounds = layers.points.getLayers().length ? layers.points.getBounds() : null;
      if (target === "points") bounds = pointBounds || areaBounds;
      else if (target === "areas") bounds = areaBounds || pointBounds;
      else bounds = areaBounds || pointBounds;
      if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: options.maxZoom || 17 });
      else map.setView(options.center || [24.515, 118.14], options.zoom || 12);
      zoomClasses();
      updateGrids();
    }

    // Did the user move or tap the map before the first data arrived? Then the first load keeps their view.
    var touched = false;
    map.on("dragstart click", function () { touched = true; });
    element.addEventListener("wheel", function () { touched = true; }, { passive: true });
    function load(first) {
      // fit the view (unless the user got there first) and resolve once it has settled: fitBounds may animate,
      // and every setView / fitBounds ends with one "moveend", even when nothing moved
      var refit = function () {
        if (first && touched) return Promise.resolve();
        return new Promise(function (done) { map.once("moveend", function () { done(); }); fit(); });
      };
      var jobs = [];
      if (options.areasUrl) jobs.push(getJSON(options.areasUrl).then(drawAreas));
      if (pointsUrl) jobs.push(getJSON(pointsUrl).then(drawPoints));
      return Promise.all(jobs).then(function () { drawLegend(); return refit(); }, function (err) {
        status(TEXT.loadFailed + "（" + err.message + "）");
        return refit();
      });
    }
    // Leaflet needs a sized element; render an initial view at once so the map is never blank.
    map.setView(options.center || [24.515, 118.14], options.zoom || 12);
    var ready = load(true).then(function () { element.setAttribute("data-map-ready", "1"); });
    var api = {
      map: map, layers: layers, ready: ready, project: project,
      reload: function () { return load(false); },
      setPointsUrl: function (url) { pointsUrl = url; return getJSON(url).then(function (fc) { drawPoints(fc); drawLegend(); }); }
    };
    element.wenmingMap = api;
    return api;
  }

  var WenmingMap = {
    create: create,
    coords: { wgs84ToGcj02: wgs84ToGcj02, gcj02ToBd09: gcj02ToBd09, fromWgs84: fromWgs84, outOfChina: outOfChina },
    escapeHtml: escapeHtml
  };
  global.WenmingMap = WenmingMap;
  if (typeof module !== "undefined" && module.exports) module.exports = WenmingMap;
})(typeof window !== "undefined" ? window : globalThis);
