/* Events: show the "Use my location" button only when the browser can locate (civic.js wires it). */
(function () {
  "use strict";
  if (!navigator.geolocation) return;
  document.querySelectorAll("[data-locate]").forEach(function (btn) { btn.hidden = false; });
})();
