/* Volunteering pages: small enhancements driven by data attributes (no inline scripts). */
(function () {
  "use strict";
  function init() {
    // "Near me" searches around the browser's position: a typed place would win, so clear it.
    document.querySelectorAll(".mission-search [data-locate]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var where = btn.form && btn.form.querySelector("[name=where]");
        if (where) where.value = "";
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
