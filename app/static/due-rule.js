/* A nicety only: the server enforces the rule. A moved due date makes the progress note required. */
document.querySelectorAll("form.action-update").forEach(function (form) {
  var due = form.elements.due_on, note = form.elements.note;
  var sync = function () { note.required = due.value !== due.dataset.was; };
  due.addEventListener("input", sync);
  sync();
});
