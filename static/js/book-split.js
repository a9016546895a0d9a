// The split preview: the running total of characters, as the server counts it (one per page break).
(function () {
  "use strict";
  var form = document.querySelector("[data-story-max]");
  if (!form) return;
  var out = form.querySelector("[data-story-count]");
  function update() {
    var boxes = form.querySelectorAll("[data-page-box]");
    var total = boxes.length ? boxes.length - 1 : 0;
    boxes.forEach(function (box) { total += box.value.trim().replace(/\r\n/g, "\n").length; });
    out.textContent = total;
  }
  form.addEventListener("input", update);
})();
