// Reordering pages on the book page. The ↑ ↓ buttons are plain forms (they work without
// JavaScript; with HTMX they swap the list in place). Dragging a page posts the new order the
// same way. After a move, focus comes back to the moved page's arrow. When a page finished
// being drawn again, the list is refreshed so its controls are usable again.
(function () {
  "use strict";
  var dragged = null;
  var refocus = null;

  function list() { return document.getElementById("pages"); }

  function itemAt(target) {
    return target && target.closest ? target.closest("#pages .page-item") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var item = itemAt(event.target);
    if (!item || !list().dataset.reorderUrl) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.number);
  });

  document.addEventListener("dragover", function (event) {
    var over = dragged && itemAt(event.target);
    if (!over) return;
    event.preventDefault();
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var item = dragged;
    dragged = null;
    item.classList.remove("dragging");
    var root = list();
    var order = Array.prototype.map.call(root.querySelectorAll(".page-item"), function (li) {
      return li.dataset.number;
    });
    if (order.every(function (number, index) { return Number(number) === index + 1; })) return;
    refocus = { number: order.indexOf(item.dataset.number) + 1, direction: null };
    window.htmx.ajax("POST", root.dataset.reorderUrl, {
      source: root, target: "#pages", swap: "outerHTML", values: { order: order.join(",") }
    });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt.querySelector && event.detail.elt.querySelector("[data-move]");
    var item = itemAt(event.detail.elt);
    if (!button || !item) return;
    var direction = button.dataset.move;
    refocus = { number: Number(item.dataset.number) + (direction === "up" ? -1 : 1), direction: direction };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!refocus || !event.detail.target || event.detail.target.id !== "pages") return;
    var item = document.getElementById("page-" + refocus.number);
    var wanted = refocus.direction && item && item.querySelector('[data-move="' + refocus.direction + '"]');
    var fallback = item && (item.querySelector("[data-move]") || item.querySelector("a"));
    refocus = null;
    if (wanted || fallback) (wanted || fallback).focus();
  });

  // The progress panel is re-rendered when a redrawn page is ready: refresh the list with it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    var root = list();
    if (!panel || panel.id !== "progress" || !root) return;
    var fresh = document.getElementById("progress");
    if (fresh && !fresh.dataset.wsUrl && !root.dataset.reorderUrl) {
      window.htmx.ajax("GET", root.dataset.pagesUrl, { source: root, target: "#pages", swap: "outerHTML" });
    }
  });
})();
