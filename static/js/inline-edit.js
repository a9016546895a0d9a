// Inline edits with HTMX (title, page text, page order, "draw again"). The server answers bad
// input with 400, "not now" with 409 and a used-up quota with 429, each with the form and its
// message; HTMX swaps only 2xx answers by default, so let these through for our own forms.
// After a save or a cancel, focus goes back to the "Change" link that opened the form.
(function () {
  "use strict";
  var SHOWN_ERRORS = [400, 409, 413, 429];

  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (SHOWN_ERRORS.indexOf(event.detail.xhr.status) === -1 || !elt || !elt.closest) return;
    if (!elt.closest("[data-inline-edit], #pages")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var fresh = id && document.getElementById(id);
    if (!fresh || fresh.tagName === "FORM" || !fresh.classList.contains("inline-edit")) return;
    var link = fresh.querySelector(".edit-link");
    if (link) link.focus();
  });
})();
