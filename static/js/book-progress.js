// Live progress for a book being drawn. The server sends a full snapshot on
// every change, so this only mirrors it; HTMX polling takes over while the
// socket is down (window.fabricaLive is false). The same snapshots carry the
// book's files (#exports): when one is ready or failed, the panel is re-rendered.
(function () {
  "use strict";
  var socket = null;
  var retryDelay = 1000;

  function panel() { return document.getElementById("progress"); }

  function showThumbnail(item, page) {
    if (!page.thumbnail_url || item.querySelector("img")) return;
    var link = document.createElement("a");
    link.href = page.thumbnail_url.replace("thumbnail.png", "image.png");
    var img = document.createElement("img");
    img.src = page.thumbnail_url;
    img.alt = "Page " + page.number;
    img.width = 192; img.height = 240;
    link.appendChild(img);
    var waiting = item.querySelector(".page-waiting");
    if (waiting) waiting.replaceWith(link); else item.prepend(link);
  }

  // The page may have been opened before the story was written: its grid is still empty.
  function addPage(root, page) {
    var item = document.createElement("li");
    item.dataset.page = page.number;
    var waiting = document.createElement("span");
    waiting.className = "page-waiting";
    waiting.setAttribute("aria-hidden", "true");
    var number = document.createElement("span");
    number.className = "page-number";
    number.textContent = page.number;
    item.append(waiting, number);
    root.querySelector(".page-grid").appendChild(item);
    return item;
  }

  function render(snapshot) {
    renderExports(snapshot.exports || []);
    var root = panel();
    if (!root || !root.dataset.wsUrl) return;  // the book was already finished when shown
    root.querySelector("[data-bar]").style.width = snapshot.progress + "%";
    root.querySelector("[role=progressbar]").setAttribute("aria-valuenow", snapshot.progress);
    var status = root.querySelector("[data-status]");
    status.textContent = snapshot.status_display;
    status.className = "badge badge-" + snapshot.status;
    root.querySelector("[data-message]").textContent =
      snapshot.status === "failed" ? snapshot.error : snapshot.message;
    snapshot.pages.forEach(function (page) {
      var item = root.querySelector('[data-page="' + page.number + '"]') || addPage(root, page);
      item.className = "page-thumb page-" + page.status;
      showThumbnail(item, page);
    });
    if (snapshot.status === "generated" || snapshot.status === "failed") {
      // The finished page has more than this panel (reader, editing, sharing, downloads):
      // the server answers with the whole page body (HX-Retarget #main).
      window.htmx.ajax("GET", window.location.pathname, { target: "#progress", swap: "outerHTML" });
    }
  }

  function renderExports(exports) {
    var root = document.getElementById("exports");
    if (!root) return;
    var settled = false;
    exports.forEach(function (file) {
      var item = root.querySelector('[data-export="' + file.id + '"]');
      if (!item) return;
      if (item.dataset.status !== file.status) { settled = true; return; }
      var bar = item.querySelector("[data-bar]");
      if (bar) bar.style.width = file.progress + "%";
    });
    // A file is ready (export.ready) or failed: the server renders its link or message.
    if (settled) window.htmx.ajax("GET", root.dataset.panelUrl, { target: "#exports", swap: "outerHTML" });
  }

  // The book while it is drawn, or one of its files while it is made.
  function liveUrl() {
    var live = document.querySelector("[data-ws-url]");
    return live ? live.dataset.wsUrl : null;
  }

  function connect() {
    var url = liveUrl();
    if (socket || !url || !window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + url);
    socket.onopen = function () { window.fabricaLive = true; retryDelay = 1000; };
    socket.onmessage = function (event) { render(JSON.parse(event.data)); };
    socket.onclose = function () {
      window.fabricaLive = false;
      socket = null;
      if (!liveUrl()) return;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  document.addEventListener("DOMContentLoaded", connect);
  // Asking for a file swaps in a panel that is now live.
  document.addEventListener("htmx:afterSettle", connect);
})();
