// Toasts for level-ups, badges and completed missions, pushed by the server over
// /ws/me/events/ to every open page of the signed-in user (gamification.consumers).
// Included only for signed-in users. Screen readers hear them through aria-live.
(function () {
  "use strict";
  var SHOW_MS = 8000;
  var retryDelay = 2000;
  var region = null;
  var script = document.currentScript;
  var closeLabel = (script && script.dataset.closeLabel) || "Close";

  function container() {
    if (region) return region;
    region = document.createElement("div");
    region.className = "toasts";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.appendChild(region);
    return region;
  }

  function text(tag, className, value) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = value || "";
    return node;
  }

  function show(event) {
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (event.kind || "info");
    toast.appendChild(text("span", "toast-icon", event.icon)).setAttribute("aria-hidden", "true");
    var body = document.createElement("div");
    body.className = "toast-body";
    var title = event.url ? document.createElement("a") : document.createElement("strong");
    title.className = "toast-title";
    title.textContent = event.title || "";
    if (event.url) title.href = event.url;
    body.appendChild(title);
    if (event.text) body.appendChild(text("p", "toast-text", event.text));
    toast.appendChild(body);
    var close = text("button", "toast-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", closeLabel);
    close.addEventListener("click", function () { toast.remove(); });
    toast.appendChild(close);
    container().appendChild(toast);

    var timer = null;
    function later() { timer = window.setTimeout(function () { toast.remove(); }, SHOW_MS); }
    function hold() { window.clearTimeout(timer); }
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("mouseleave", later);
    toast.addEventListener("focusout", later);
    later();
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/me/events/");
    socket.addEventListener("open", function () { retryDelay = 2000; });
    socket.addEventListener("message", function (message) {
      try { show(JSON.parse(message.data)); } catch (error) { /* not a toast */ }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401) return;  // signed out: nothing to listen for
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
  }

  window.fabricaToast = show;
  if ("WebSocket" in window) connect();
})();
