// The reader: ← and → follow the Previous and Next links (plain links that work without
// JavaScript), Home goes back to the cover. After turning a page, focus is on the new page so a
// screen reader starts reading it.
(function () {
  "use strict";
  var FLAG = "fabrica-reader-turned";

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function turn(link) {
    try { window.sessionStorage.setItem(FLAG, "1"); } catch (e) { /* private mode */ }
    window.location.href = link.href;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event.target)) return;
    var selector = { ArrowLeft: "[data-reader-prev]", ArrowRight: "[data-reader-next]" }[event.key];
    var link = selector && document.querySelector(selector);
    if (!link && event.key === "Home") link = document.querySelector("[data-reader-cover]");
    if (!link) return;
    event.preventDefault();
    turn(link);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-reader-prev], [data-reader-next]");
    if (link && !event.defaultPrevented && event.button === 0 && !event.metaKey && !event.ctrlKey) {
      try { window.sessionStorage.setItem(FLAG, "1"); } catch (e) { /* private mode */ }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var reader = document.querySelector("[data-reader]");
    var turned = false;
    try { turned = window.sessionStorage.getItem(FLAG) === "1"; window.sessionStorage.removeItem(FLAG); } catch (e) { /* private mode */ }
    if (reader && turned) reader.focus({ preventScroll: true });
  });
})();
