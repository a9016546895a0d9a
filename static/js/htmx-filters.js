// htmx trigger filters without eval. The Content Security Policy forbids evaluating strings as
// code, so htmx runs with allowEval off (meta htmx-config in base.html). A filter in brackets,
// e.g. hx-trigger="every 3s [!window.fabricaLive]", would need eval: the filters the templates
// use are named here, taken out of hx-trigger before htmx reads it, and checked before each
// request the element makes on its own (a request htmx.ajax() aims at it is not filtered).
(function () {
  "use strict";
  var FILTERS = {
    "!document.hidden": function () { return !document.hidden; },
    "!window.fabricaLive": function () { return !window.fabricaLive; },
  };
  var ATTRIBUTE = "data-htmx-filters";

  document.addEventListener("htmx:beforeProcessNode", function (event) {
    var elt = event.target;
    var trigger = elt && elt.getAttribute && elt.getAttribute("hx-trigger");
    if (!trigger || trigger.indexOf("[") === -1) return;
    var names = [];
    var stripped = trigger.replace(/\s*\[([^\]]+)\]/g, function (whole, name) {
      name = name.trim();
      if (!FILTERS[name]) return whole; // unknown: htmx would treat it as true
      names.push(name);
      return "";
    });
    if (!names.length) return;
    elt.setAttribute("hx-trigger", stripped);
    elt.setAttribute(ATTRIBUTE, names.join("|"));
  });

  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.getAttribute || (event.detail.etc && event.detail.etc.targetOverride)) return;
    var names = (elt.getAttribute(ATTRIBUTE) || "").split("|");
    for (var i = 0; i < names.length; i++) {
      var filter = FILTERS[names[i]];
      if (filter && !filter()) {
        event.preventDefault();
        return;
      }
    }
  });
})();
