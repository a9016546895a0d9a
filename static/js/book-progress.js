// Live progress for a book being drawn. The server sends a full snapshot on
// every change, so this only mirrors it; HTMX polling takes over while the
// socket is down (window.fabricaLive is false).
(function () {
  "use strict";
  var finished = false;
  var retryDelay = 1000;

  function panel() { return document.getElementById("progress"); }

  function showThumbnail(item, page) {
    if (!page.thumbnail_url || item.querySelector("img")) return;
    var link = document.createElement("a");
    link.href = page.thumbnail_url.replace("thumbnail.png", "image.png");
    var img = document.createElement("img");
    img.src = page.thumbnail_url;
    img.alt = "Page " + page.number;
    img.width = 192; img.height = 192;
    link.appendChild(img);
    var waiting = item.querySelector(".page-waiting");
    if (waiting) waiting.replaceWith(link); else item.prepend(link);
  }

  function render(snapshot) {
    var root = panel();
    if (!root) return;
    root.querySelector("[data-bar]").style.width = snapshot.progress + "%";
    root.querySelector("[role=progressbar]").setAttribute("aria-valuenow", snapshot.progress);
    var status = root.querySelector("[data-status]");
    status.textContent = snapshot.status_display;
    status.className = "badge badge-" + snapshot.status;
    root.querySelector("[data-message]").textContent =
      snapshot.status === "failed" ? snapshot.error : snapshot.message;
    snapshot.pages.forEach(function (page) {
      var item = root.querySelector('[data-page="' + page.number + '"]');
      if (!item) return;
      item.className = "page-thumb page-" + page.status;
      showThumbnail(item, page);
    });
    if (snapshot.status === "generated" || snapshot.status === "failed") {
      finished = true;
      // Let the server render the final panel (download button, retry link).
      window.htmx.ajax("GET", window.location.pathname, { target: "#progress", swap: "outerHTML" });
    }
  }

  function connect() {
    var root = panel();
    if (!root || !root.dataset.wsUrl || !window.WebSocket || finished) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.dataset.wsUrl);
    socket.onopen = function () { window.fabricaLive = true; retryDelay = 1000; };
    socket.onmessage = function (event) { render(JSON.parse(event.data)); };
    socket.onclose = function () {
      window.fabricaLive = false;
      if (finished) return;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  document.addEventListener("DOMContentLoaded", connect);
})();
