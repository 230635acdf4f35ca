/* Civic: small progressive enhancements. No inline scripts anywhere (the CSP forbids them).
 *
 * Maps: {% include "core/leaflet_css.html" %} in the page's head, then
 *       <div class="map" data-geojson-url="…" data-lat="…" data-lng="…" data-zoom="…"
 *            data-tile-url="…"></div>{% include "core/map_credit.html" %}
 * loads Leaflet markers from a GeoJSON feed. Each feature's properties may carry
 * "title" and "url" (a link in the popup). Tiles that fail to load leave the markers usable.
 * Without a tile server (data-tile-url empty: tests, offline, a platform that has none) the map draws
 * the bundled Natural Earth outlines named by <meta name="civic-basemap"> (or the element's
 * data-basemap-url) under the markers, so a world or city map still shows where things are.
 * The credits (Leaflet, the tiles' or the basemap's source) are a line of the page under the map
 * (core/map_credit.html), not Leaflet's box over it: read against the page's own background whatever
 * the map draws, present before any script (nothing moves), after the map in the reading order.
 */
(function () {
  "use strict";
  if (window.Civic) return; // loaded twice (a form's media and the layout): initialise once

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function popupHtml(p) {
    var html = p.url ? '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.title || p.url) + "</a>" : escapeHtml(p.title || "");
    if (p.subtitle) html += "<br>" + escapeHtml(p.subtitle);
    return html;
  }

  /* The bundled basemap: 1:110m outlines are honest down to a region, not to a street, so a map
   * drawn on them zooms no closer than this (a mission's pin then stands in its region). */
  var BASEMAP_MAX_ZOOM = 6;
  var basemaps = {}; // url -> promise of its GeoJSON: one download for every map of the page

  function basemapUrl(el) {
    var meta = document.querySelector('meta[name="civic-basemap"]');
    return el.dataset.basemapUrl || (meta && meta.content) || "";
  }

  /* Tiles when a tile server is configured; otherwise the bundled outlines, drawn in their own pane
   * under the markers (Leaflet's tile pane level), not clickable, in light colours: land filled,
   * borders and coasts thin, water the container's background (see .map-basemap in civic.css). */
  function addBaseLayer(map, el, tileUrl, url) {
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
      return;
    }
    if (!url) return;
    el.classList.add("map-basemap");
    var pane = map.createPane("civicBasemap");
    pane.style.zIndex = 200;
    if (!basemaps[url]) {
      basemaps[url] = fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
        if (!r.ok) throw new Error("basemap " + r.status);
        return r.json();
      });
    }
    basemaps[url].then(function (data) {
      L.geoJSON(data, {
        pane: "civicBasemap",
        // No padding: Leaflet's default draws the outlines 10 % beyond the map on every side,
        // clipped by the container, yet still "over" the text around it for accessibility checkers.
        renderer: L.svg({ pane: "civicBasemap", padding: 0 }),
        interactive: false,
        style: { color: "#8d96a7", weight: 0.6, fillColor: "#fbfaf6", fillOpacity: 1, className: "map-basemap-country" }
      }).addTo(map);
    }).catch(function () { basemaps[url] = null; /* markers and the list still work */ });
  }

  // Leaflet's stylesheet arrives as a print stylesheet (core/leaflet_css.html: it must not delay the
  // page's first paint); switch it on, and build maps once it is there.
  function mapCssReady(then) {
    var css = document.querySelector("link[data-map-css]");
    if (!css) return true;
    css.media = "all";
    if (css.sheet) return true;
    css.addEventListener("load", then, { once: true });
    css.addEventListener("error", then, { once: true }); // unstyled panes beat no map at all
    return false;
  }

  // With hashed static names (production) Leaflet cannot guess where its marker images are from
  // its stylesheet and asks for them next to the page (404): name the folder.
  function setIconPath() {
    var meta = document.querySelector('meta[name="civic-leaflet-images"]');
    if (meta && L.Icon && L.Icon.Default && !L.Icon.Default.imagePath) {
      L.Icon.Default.imagePath = meta.content.slice(0, meta.content.lastIndexOf("/") + 1);
    }
  }

  // Leaflet's script (core/leaflet_css.html names it) is fetched once the page has loaded: 43 kB that a
  // phone on a slow network would otherwise download before it shows the page's title. Forms with a
  // point picker load it themselves (form media), so window.L may already be there.
  var leafletWaiting = null;
  function withLeaflet(then) {
    if (window.L) return true;
    var meta = document.querySelector('meta[name="civic-leaflet-js"]');
    if (!meta) return false;
    if (!leafletWaiting) {
      leafletWaiting = [];
      var start = function () {
        var script = document.createElement("script");
        script.src = meta.content;
        script.onload = function () { leafletWaiting.forEach(function (f) { f(); }); };
        document.head.appendChild(script);
      };
      if (document.readyState === "complete") start();
      else window.addEventListener("load", start, { once: true });
    }
    leafletWaiting.push(then);
    return false;
  }

  function initMap(el) {
    if (el.dataset.ready || !withLeaflet(function () { initMap(el); })) return;
    if (!mapCssReady(function () { initMap(el); })) return;
    el.dataset.ready = "1";
    setIconPath();
    var lat = parseFloat(el.dataset.lat || "20"), lng = parseFloat(el.dataset.lng || "0");
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: false, maxZoom: el.dataset.tileUrl ? 19 : BASEMAP_MAX_ZOOM })
      .setView([lat, lng], parseInt(el.dataset.zoom || "2", 10));
    addBaseLayer(map, el, el.dataset.tileUrl, basemapUrl(el));
    el.civicMap = map;
    var layer = L.layerGroup().addTo(map);
    function load(url) {
      if (!url) return;
      fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
          layer.clearLayers();
          var bounds = [];
          (data.features || []).forEach(function (f) {
            var c = f.geometry && f.geometry.coordinates;
            if (!c) return;
            var m = L.marker([c[1], c[0]], { title: (f.properties && f.properties.title) || "", keyboard: true });
            m.bindPopup(popupHtml(f.properties || {}));
            m.addTo(layer);
            bounds.push([c[1], c[0]]);
          });
          // No animation: the map opens on its results rather than flying there (nothing moves on its
          // own on the page, and nothing is drawn scaled beyond the map while a reader starts reading).
          if (bounds.length && el.dataset.fit !== "no") map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20], animate: false });
          el.dispatchEvent(new CustomEvent("civic:map-loaded", { detail: { count: bounds.length } }));
        })
        .catch(function () { /* the list beside the map still works */ });
    }
    load(el.dataset.geojsonUrl);
    el.addEventListener("civic:reload", function (e) { load(e.detail && e.detail.url); });
  }

  /* A button that fills lat/lng inputs from the browser's position, only on click. */
  function initLocate(btn) {
    btn.addEventListener("click", function () {
      if (!navigator.geolocation) return;
      var form = btn.closest("form");
      var status = form && form.querySelector("[data-locate-status]");
      if (status) status.textContent = btn.dataset.waiting || "";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(5);
        if (status) status.textContent = "";
        if (btn.dataset.submit !== "no") form.submit();
      }, function () {
        if (status) status.textContent = btn.dataset.denied || "";
      }, { timeout: 10000 });
    });
  }

  /* Copy-to-clipboard buttons: <button data-copy="text"> */
  function initCopy(btn) {
    btn.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(btn.dataset.copy);
      if (btn.dataset.copied) btn.textContent = btn.dataset.copied;
    });
  }

  /* Confirmation before destructive submits: <form data-confirm="Are you sure?"> */
  function initConfirm(form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  /* Point picker: click the map to fill the latitude/longitude inputs; typing moves the marker. */
  function initPointPicker(box) {
    if (!window.L || box.dataset.ready) return;
    box.dataset.ready = "1";
    var latIn = box.querySelector("[data-lat]"), lngIn = box.querySelector("[data-lng]");
    var el = box.querySelector(".map-picker");
    var lat = parseFloat(latIn.value), lng = parseFloat(lngIn.value);
    var has = !isNaN(lat) && !isNaN(lng);
    // The picker map is aria-hidden (keyboard users type the coordinates), so nothing in it may take focus.
    var map = L.map(el, { keyboard: false, attributionControl: false, maxZoom: box.dataset.tileUrl ? 19 : BASEMAP_MAX_ZOOM })
      .setView(has ? [lat, lng] : [parseFloat(box.dataset.centerLat), parseFloat(box.dataset.centerLng)], has ? 13 : 4);
    addBaseLayer(map, el, box.dataset.tileUrl, basemapUrl(box));
    el.querySelectorAll("a, button").forEach(function (c) { c.setAttribute("tabindex", "-1"); });
    var marker = null;
    function place(la, ln) {
      if (marker) marker.setLatLng([la, ln]);
      else {
        marker = L.marker([la, ln], { draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () { var p = marker.getLatLng(); set(p.lat, p.lng); });
      }
    }
    function set(la, ln) { latIn.value = la.toFixed(6); lngIn.value = ln.toFixed(6); place(la, ln); }
    if (has) place(lat, lng);
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    function typed() {
      var la = parseFloat(latIn.value), ln = parseFloat(lngIn.value);
      if (!isNaN(la) && !isNaN(ln)) { place(la, ln); map.panTo([la, ln]); }
    }
    latIn.addEventListener("change", typed);
    lngIn.addEventListener("change", typed);
  }

  /* Phone menu: closed by CSS until the toggle opens it (.is-open); Escape closes it again. */
  function initMenu(btn) {
    var panel = document.getElementById(btn.getAttribute("aria-controls"));
    if (!panel) return;
    function set(open) {
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    }
    btn.addEventListener("click", function () { set(btn.getAttribute("aria-expanded") !== "true"); });
    function onKey(e) {
      if (e.key === "Escape" && btn.getAttribute("aria-expanded") === "true") { set(false); btn.focus(); }
    }
    btn.addEventListener("keydown", onKey);
    panel.addEventListener("keydown", onKey);
  }

  function init(root) {
    (root || document).querySelectorAll(".menu-toggle[aria-controls]").forEach(initMenu);
    (root || document).querySelectorAll("[data-point-picker]").forEach(initPointPicker);
    (root || document).querySelectorAll(".map[data-geojson-url]").forEach(initMap);
    (root || document).querySelectorAll("[data-locate]").forEach(initLocate);
    (root || document).querySelectorAll("[data-copy]").forEach(initCopy);
    (root || document).querySelectorAll("form[data-confirm]").forEach(initConfirm);
  }

  window.Civic = { initMap: initMap, initPointPicker: initPointPicker, init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
