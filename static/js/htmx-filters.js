// htmx trigger filters without eval. The Content Security Policy forbids evaluating strings as
// code, so htmx runs with allowEval off (meta htmx-config in base.html) and would treat every
// filter in brackets, e.g. hx-trigger="every 3s [!window.fabricaLive]", as true. The filters the
// templates use are named here and checked before each request the element makes on its own.
(function () {
  "use strict";
  var FILTERS = {
    "!document.hidden": function () { return !document.hidden; },
    "!window.fabricaLive": function () { return !window.fabricaLive; },
  };
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.getAttribute || (event.detail.etc && event.detail.etc.targetOverride)) return;
    var trigger = elt.getAttribute("hx-trigger") || "";
    var match, pattern = /\[([^\]]+)\]/g;
    while ((match = pattern.exec(trigger)) !== null) {
      var filter = FILTERS[match[1].trim()];
      if (filter && !filter()) {
        event.preventDefault();
        return;
      }
    }
  });
})();
