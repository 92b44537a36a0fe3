/* Forms with data-confirm="question?" ask before they submit (approving or reopening minutes). */
document.addEventListener("submit", function (event) {
  var form = event.target, question = form.dataset.confirm;
  if (question && !form.dataset.confirmed && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); return; }
  if (question) { form.dataset.confirmed = "1"; }
}, true);
