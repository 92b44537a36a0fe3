/* Long pages on a phone: each section (a <details class="fold">, open in the HTML) closes on load
 * when the screen is at most 640 px wide, so the page reads as a list of headings with a one-line
 * summary; a tap opens one. Without script, on wider screens and in print everything stays open.
 * Kept open: the section the address's #fragment points at (or holds), and one the page marks
 * `data-keep-open` (the one a person just saved into). A link to #section opens it first.
 */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 640px)");
  var folds = Array.prototype.slice.call(document.querySelectorAll("details.fold"));
  if (!folds.length) { return; }

  function byHash(hash) {
    var id = (hash || "").replace(/^#/, "");
    if (!id) { return null; }
    try { id = decodeURIComponent(id); } catch (e) { /* keep it as written */ }
    return document.getElementById(id);
  }
  // Open every fold around `target`, and the fold a section holds when the link names the section.
  function reveal(target) {
    if (!target) { return false; }
    var opened = false;
    var own = target.matches("details.fold") ? target : target.querySelector(":scope > details.fold");
    if (own && !own.open) { own.open = true; opened = true; }
    for (var up = target.parentElement; up; up = up.parentElement) {
      if (up.matches("details.fold") && !up.open) { up.open = true; opened = true; }
    }
    return opened;
  }

  if (phone.matches) {
    var target = byHash(window.location.hash);
    folds.forEach(function (fold) {
      var wanted = fold.hasAttribute("data-keep-open") || (target && (fold.contains(target) || target.contains(fold)));
      if (!wanted) { fold.open = false; }
    });
    // The browser scrolled to the fragment before the sections above it closed.
    if (target) { target.scrollIntoView(); }
  }

  // In-page links (the running order, the minutes' jump list): open the section before the browser scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href*='#']") : null;
    if (!link || link.pathname !== window.location.pathname || link.search !== window.location.search) { return; }
    var target = byHash(link.hash);
    if (reveal(target) && link.hash === window.location.hash) {
      // Same fragment as now: the browser would not scroll, so do it.
      event.preventDefault();
      target.scrollIntoView();
    }
  });
  window.addEventListener("hashchange", function () {
    var target = byHash(window.location.hash);
    if (reveal(target)) { target.scrollIntoView(); }
  });

  // Turned to a wider screen: everything open, as on a laptop.
  var onChange = function (event) { if (!event.matches) { folds.forEach(function (f) { f.open = true; }); } };
  if (phone.addEventListener) { phone.addEventListener("change", onChange); } else if (phone.addListener) { phone.addListener(onChange); }

  // Printing prints everything; the sections a person had closed close again afterwards.
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = folds.filter(function (f) { return !f.open; });
    closedBeforePrint.forEach(function (f) { f.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (f) { f.open = false; });
    closedBeforePrint = [];
  });
}());
