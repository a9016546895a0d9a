// The new-book form: the page count's cost preview, and a story file over the limit refused
// before it is sent.
(function () {
  "use strict";
  var input = document.querySelector("[data-cost-input]");
  var preview = document.querySelector("[data-cost-preview]");
  if (!input || !preview) return;
  function update() {
    document.getElementById("pages-out").value = input.value;
    var cost = preview.querySelector("[data-cost]");
    if (!cost) return;
    var total = parseFloat(preview.dataset.story) + parseFloat(preview.dataset.picture) * (parseInt(input.value, 10) + 1);
    cost.textContent = total.toLocaleString(document.documentElement.lang, {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }
  input.addEventListener("input", update);
  update();
  // A file over the limit is refused here, before it is sent.
  var file = document.getElementById("id_story_file");
  if (!file) return;
  function tooLarge() {
    var max = parseInt(file.dataset.maxBytes, 10);
    return file.files.length && max && file.files[0].size > max;
  }
  file.addEventListener("htmx:confirm", function (event) {
    if (!tooLarge()) return;
    event.preventDefault();
    var feedback = document.getElementById("story-file-feedback");
    feedback.innerHTML = "";
    var error = document.createElement("div");
    error.className = "error";
    error.appendChild(document.createElement("p")).textContent = file.dataset.tooLarge;
    feedback.appendChild(error);
  });
  file.form.addEventListener("submit", function (event) {
    if (tooLarge()) { event.preventDefault(); file.focus(); }
  });
})();

// A double click sends the form once: the buttons wait while the first post is on its way
// (the server also makes one book of a repeated post). Back/forward brings them back.
(function () {
  "use strict";
  var form = document.querySelector("form.book-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
  });
  window.addEventListener("pageshow", function () {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
  });
})();
