/* The minutes page's one decision form and one action form: "Add another" copies a blank row
 * (the server records every filled row, all or none, and skips a row left blank); "Record a
 * decision here" under an item fills the form's next blank row with that item and moves there;
 * a blank row's "Under item" follows the item the secretary is working in. Without script the
 * form has one row and the links reload the page with the item chosen.
 */
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.rows-form"));
  if (!forms.length) { return; }

  function rows(form) { return Array.prototype.slice.call(form.querySelectorAll("fieldset.row-set")); }
  function mainInput(row) { return row.querySelector("input[name=text], input[name=title]"); }
  function isBlank(row) { var input = mainInput(row); return !input || !input.value.trim(); }
  function noun(form) { return form.dataset.noun; }
  function plural(form, n) { return n === 1 ? noun(form) : noun(form) + "s"; }

  function relabel(form) {
    var all = rows(form);
    var submit = form.querySelector("button[type=submit]");
    var verb = noun(form) === "action" ? "Raise" : "Record";
    submit.textContent = verb + " " + (all.length === 1 ? noun(form) : all.length + " " + plural(form, all.length));
  }

  // A copy of the last row, emptied, numbered n, under the same item as the last row.
  function addRow(form) {
    var all = rows(form);
    var last = all[all.length - 1];
    var row = last.cloneNode(true);
    var n = all.length + 1;
    var prefix = noun(form) + "-";
    row.dataset.row = String(n);
    row.querySelector("legend").textContent = noun(form).charAt(0).toUpperCase() + noun(form).slice(1) + " " + n;
    var error = row.querySelector(".row-error");
    if (error) { error.remove(); }
    row.querySelectorAll("[id]").forEach(function (el) { el.id = el.id.replace(/^[a-z]+-\d+-/, prefix + n + "-"); });
    row.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/^[a-z]+-\d+-/, prefix + n + "-");
    });
    row.querySelectorAll("input, select").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
      delete field.dataset.touched;
      if (field.name === "item_number") {
        field.value = last.querySelector("[name=item_number]").value;
      } else if (field.type === "date") {
        field.value = field.dataset.default || "";
      } else if (field.tagName === "SELECT") {
        field.selectedIndex = 0;
      } else {
        field.value = "";
      }
    });
    last.parentNode.appendChild(row);
    relabel(form);
    return row;
  }

  forms.forEach(function (form) {
    var add = form.querySelector("button.add-row");
    add.hidden = false;
    add.addEventListener("click", function () { mainInput(addRow(form)).focus(); });
    form.addEventListener("change", function (event) {
      if (event.target.name === "item_number") { event.target.dataset.touched = "1"; }
    });
    relabel(form);
  });

  function formFor(kind) { return document.querySelector("form.rows-form[data-noun=" + kind + "]"); }
  function blankRow(form) {
    var all = rows(form);
    var last = all[all.length - 1];
    return isBlank(last) ? last : addRow(form);
  }
  function choose(row, item) {
    var select = row.querySelector("select[name=item_number]");
    if (select && select.querySelector("option[value='" + item + "']")) { select.value = item; }
  }

  // "Record a decision here": the form's next blank row, under this item, ready to type.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.record-link") : null;
    if (!link) { return; }
    var form = formFor(link.dataset.form);
    if (!form) { return; }
    event.preventDefault();
    var row = blankRow(form);
    choose(row, link.dataset.item);
    row.querySelector("select[name=item_number]").dataset.touched = "1";
    form.closest("section").scrollIntoView();
    mainInput(row).focus();
  });

  // Working in an item (typing its notes, opening it): blank rows nobody pointed elsewhere follow it.
  function follow(item) {
    forms.forEach(function (form) {
      rows(form).forEach(function (row) {
        var select = row.querySelector("select[name=item_number]");
        if (select && !select.dataset.touched && isBlank(row)) { choose(row, item); }
      });
    });
  }
  document.querySelectorAll("section.minutes-item").forEach(function (section) {
    var item = section.id.replace(/^item-/, "");
    section.addEventListener("focusin", function () { follow(item); });
    // Opened by the person (a tap on its heading), not by the page: details parsed open fire "toggle" too.
    var heading = section.querySelector("details.fold > summary");
    if (heading) { heading.addEventListener("click", function () { if (!heading.parentNode.open) { follow(item); } }); }
  });

  // A refused form came back: put the cursor in the first row that needs fixing (after the browser has
  // gone to the address's #fragment, which would take the focus away again).
  var invalid = document.querySelector("form.rows-form [aria-invalid=true]");
  if (invalid) {
    var focusIt = function () { window.requestAnimationFrame(function () { invalid.focus(); }); };
    if (document.readyState === "complete") { focusIt(); } else { window.addEventListener("load", focusIt); }
  }
}());
