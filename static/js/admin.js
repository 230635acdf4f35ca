// The admin's searchable pickers (select2, used by Django's autocomplete_fields) draw a combobox and
// a search box that have no accessible name: give each the name of the field's label.
(function () {
  "use strict";
  function fieldLabel(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }
  function nameSelect2(root) {
    (root || document).querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = fieldLabel(select);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) return;
      container.querySelectorAll(".select2-selection, .select2-selection__rendered, .select2-search__field").forEach(function (el) {
        // select2 names its combobox by the (empty until chosen) text of the choice: name it by the field.
        el.removeAttribute("aria-labelledby");
        el.setAttribute("aria-label", name);
      });
    });
  }
  // A table wider than a phone scrolls inside its box: keyboard users must be able to focus the box
  // to scroll it (WCAG 2.1.1).
  function focusableScrollBoxes() {
    document.querySelectorAll(".inline-group, .results, .module").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    });
  }
  window.addEventListener("load", function () { nameSelect2(); focusableScrollBoxes(); });
  // Django starts select2 when jQuery is ready, which may come after "load": name each picker as
  // select2 draws it (and draws its search box again).
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; nameSelect2(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
  window.addEventListener("resize", focusableScrollBoxes);
  // select2 draws the search box of a multiple picker again after each choice.
  document.addEventListener("change", function () { nameSelect2(); });
  document.addEventListener("formset:added", function (event) { nameSelect2(event.target); });
})();
