/* Read-only fields meant for copying (the calendar link) select their whole text on focus. */
document.querySelectorAll("input.select-on-focus").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
});
