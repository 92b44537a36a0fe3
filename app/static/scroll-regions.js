// A wide table or example that scrolls sideways must be reachable by keyboard (WCAG 2.1.1):
// while it overflows it takes a tab stop and a name; when it fits again it gives them back.
(function () {
  "use strict";

  function label(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim() + " (scrolls sideways)";
    return box.tagName === "PRE" ? "Example (scrolls sideways)" : "Table (scrolls sideways)";
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", label(box));
      box.dataset.scrollRegion = "";
    } else if (!scrolls && "scrollRegion" in box.dataset) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollRegion;
    }
  }

  function start() {
    var boxes = document.querySelectorAll(".table-wrap, pre");
    if (!boxes.length) return;
    // Fires for each box now, and again when the window or an opened <details> changes its size.
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { update(entry.target); });
    });
    boxes.forEach(function (box) { update(box); observer.observe(box); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
