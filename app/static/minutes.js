/* The secretary's minutes page: notes save as they are typed, and nothing typed is lost.
 *
 * Each item's notes are posted to …/minutes/items/N/autosave ~800 ms after the last
 * keystroke, on leaving the box, on Ctrl+S, and (by beacon) when the page is left.
 * One save per item is in flight at a time; text typed meanwhile goes in the next one.
 * Until the server confirms a text, a copy sits in localStorage (per meeting and
 * item): a dropped connection retries with back-off, and a reload or a reopened tab
 * puts unsaved text back and saves it.
 * Every save names the item's version it was typed against. If someone else saved the
 * item since, the server saves nothing and answers 412 with their text: autosave stops
 * for that item, the person's text stays in their box, and a panel shows theirs beside
 * it with "Use theirs" / "Keep mine (save over it)".
 */
(function () {
  "use strict";
  var root = document.getElementById("minutes-page");
  if (!root || !root.dataset.editing) { return; }
  var meeting = root.dataset.meeting;
  var csrf = root.dataset.csrf;
  var DEBOUNCE_MS = 800;
  var items = [];

  function storageKey(n) { return "cx-council:minutes:" + meeting + ":item:" + n; }
  function readLocal(n) {
    try { return JSON.parse(window.localStorage.getItem(storageKey(n)) || "null"); } catch (e) { return null; }
  }
  function writeLocal(n, text, base, version) {
    try { window.localStorage.setItem(storageKey(n), JSON.stringify({ text: text, at: Date.now(), base: base, version: version })); } catch (e) { /* full or blocked: the server copy still counts */ }
  }
  function dropLocal(n) {
    try { window.localStorage.removeItem(storageKey(n)); } catch (e) { /* nothing to do */ }
  }
  function clock(value) {
    var when = new Date(value);
    var text = when.toLocaleTimeString("en-GB", { hour12: false });
    if (when.toDateString() !== new Date().toDateString()) {
      text = when.toLocaleDateString("en-GB", { day: "numeric", month: "short" }) + ", " + text;
    }
    return text;
  }
  function autosaveUrl(n) { return "/meetings/" + meeting + "/minutes/items/" + n + "/autosave"; }
  function setVersion(version) {
    if (version === undefined || version === null) { return; }
    document.querySelectorAll("input[name=version]").forEach(function (input) { input.value = version; });
  }
  // On a phone the items start closed (fold.js): one that needs the person's eyes opens.
  function reveal(el) {
    var fold = el.closest("details.fold");
    if (fold) { fold.open = true; }
  }
  function grow(area) {
    area.style.height = "auto";
    area.style.height = Math.max(area.scrollHeight + 2, 96) + "px";
  }

  function NotesBox(form) {
    var self = this;
    this.n = form.dataset.item;
    this.area = form.elements.notes;
    this.state = document.getElementById("save-" + this.n);
    this.saved = this.area.value;          // the text the server holds
    this.base = form.dataset.savedAt || ""; // when the server saved it
    this.version = Number(form.dataset.version || 0); // the item's version that text is
    this.versionInput = form.elements.item_version;
    this.panel = document.getElementById("conflict-" + this.n);
    this.timer = null;
    this.sending = null;
    this.retryMs = 0;
    this.stopped = false;
    if (this.base) { this.show("Saved " + clock(this.base), "saved"); }

    this.area.addEventListener("input", function () {
      grow(self.area);
      writeLocal(self.n, self.area.value, self.base, self.version);
      if (!self.stopped) { self.show("Unsaved changes…", "pending"); }
      self.schedule(DEBOUNCE_MS);
    });
    this.area.addEventListener("blur", function () { self.save(); });
    this.area.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        self.save();
      }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); self.save(); });
    grow(this.area);
    var fold = form.closest("details.fold");
    // A closed item's box has no height to measure: size it when it opens.
    if (fold) { fold.addEventListener("toggle", function () { if (fold.open) { grow(self.area); } }); }
  }

  NotesBox.prototype.show = function (text, kind) {
    this.state.textContent = text;
    this.state.dataset.kind = kind || "";
  };
  NotesBox.prototype.setItemVersion = function (version) {
    this.version = version;
    if (this.versionInput) { this.versionInput.value = version; }
  };
  NotesBox.prototype.dirty = function () { return this.area.value !== this.saved; };
  NotesBox.prototype.busy = function () { return this.sending !== null || this.timer !== null; };
  NotesBox.prototype.schedule = function (ms) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.timer = null; self.save(); }, ms);
  };

  NotesBox.prototype.save = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = null;
    if (this.sending) { return this.sending.then(function () { return self.save(); }); }
    if (this.stopped || !this.dirty()) { return Promise.resolve(); }
    var text = this.area.value;
    var body = new URLSearchParams();
    body.set("notes", text);
    body.set("version", String(this.version));
    body.set("csrf_token", csrf);
    this.show("Saving…", "saving");
    this.sending = window.fetch(autosaveUrl(this.n), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        self.sending = null;
        self.answered(response.status, data, text);
      });
    }, function () {
      self.sending = null;
      self.retry("Not saved — retrying (no connection)");
    });
    return this.sending;
  };

  NotesBox.prototype.answered = function (status, data, text) {
    if (status >= 200 && status < 300) {
      this.saved = text;
      this.base = data.saved_at || this.base;
      this.retryMs = 0;
      this.setItemVersion(data.version);
      setVersion(data.minutes_version);
      if (this.dirty()) {
        writeLocal(this.n, this.area.value, this.base, this.version);
        this.schedule(DEBOUNCE_MS);
        this.show("Unsaved changes…", "pending");
      } else {
        dropLocal(this.n);
        this.show("Saved " + clock(this.base), "saved");
      }
      return;
    }
    var why = (data && typeof data.detail === "string") ? data.detail : "";
    if (status === 412 && data && data.current) {
      this.conflicted(data.current, why);
      return;
    }
    if (status === 401) {
      // Signed out: keep the copy here, and keep trying, so signing in again in another tab is enough.
      this.retry("Not saved — " + (why || "you are signed out") + " Retrying.", 15000);
    } else if (status === 403 || status === 404 || status === 409 || status === 422) {
      this.stopped = status !== 422;
      this.show("Not saved — " + (why || "refused (" + status + ")"), "error");
    } else {
      this.retry("Not saved — retrying");
    }
  };

  /* Someone else saved this item after the version this text was typed against. */
  NotesBox.prototype.conflicted = function (theirs, why) {
    var self = this;
    this.stopped = true;
    writeLocal(this.n, this.area.value, this.base, this.version);
    this.show("Not saved — someone else saved this item; choose below.", "error");
    var panel = this.panel;
    panel.textContent = "";
    var note = document.createElement("p");
    note.textContent = (why || "Someone else saved these notes while you were writing.") + " " +
      (theirs.updated_by ? theirs.updated_by + " saved the text below" : "The saved text is below") +
      (theirs.updated_at ? " at " + clock(theirs.updated_at) : "") + ". Your text is still in the box above.";
    var label = document.createElement("label");
    label.htmlFor = "theirs-" + this.n;
    label.textContent = "Saved text (read-only)";
    var saved = document.createElement("textarea");
    saved.id = "theirs-" + this.n;
    saved.readOnly = true;
    saved.className = "theirs";
    saved.value = theirs.notes;
    grow(saved);
    var buttons = document.createElement("div");
    buttons.className = "buttons";
    var useTheirs = document.createElement("button");
    useTheirs.type = "button";
    useTheirs.className = "secondary";
    useTheirs.textContent = "Use theirs";
    useTheirs.addEventListener("click", function () {
      self.resolved(theirs);
      self.area.value = theirs.notes;
      self.saved = theirs.notes;
      grow(self.area);
      dropLocal(self.n);
      self.show(theirs.updated_at ? "Saved " + clock(theirs.updated_at) : "Saved", "saved");
      self.area.focus();
    });
    var keepMine = document.createElement("button");
    keepMine.type = "button";
    keepMine.textContent = "Keep mine (save over it)";
    keepMine.addEventListener("click", function () {
      self.resolved(theirs);
      self.saved = theirs.notes;
      self.area.focus();
      self.save();
    });
    buttons.appendChild(useTheirs);
    buttons.appendChild(keepMine);
    panel.appendChild(note);
    panel.appendChild(label);
    panel.appendChild(saved);
    panel.appendChild(buttons);
    panel.hidden = false;
    reveal(panel);
  };

  /* A choice was made: the next save is made against their version. */
  NotesBox.prototype.resolved = function (theirs) {
    this.setItemVersion(theirs.version);
    this.base = theirs.updated_at || this.base;
    this.stopped = false;
    this.panel.hidden = true;
    this.panel.textContent = "";
  };

  NotesBox.prototype.retry = function (message, fixedMs) {
    this.retryMs = fixedMs || Math.min(this.retryMs ? this.retryMs * 2 : 2000, 30000);
    this.show(message, "error");
    this.schedule(this.retryMs);
  };

  /* Text left unsaved by a closed tab or a lost connection: put it back when it is newer. */
  NotesBox.prototype.restore = function () {
    var local = readLocal(this.n);
    if (!local || typeof local.text !== "string") { return; }
    if (local.text === this.area.value) { dropLocal(this.n); return; }
    reveal(this.area);
    if (typeof local.version === "number" && local.version !== this.version) {
      // Typed against an older version than the one saved since: both texts, the person chooses.
      var server = { notes: this.area.value, version: this.version, updated_at: this.base || null, updated_by: null };
      this.area.value = local.text;
      grow(this.area);
      this.conflicted(server, "Notes not saved from " + clock(local.at) + " were typed before someone else saved this item.");
      return;
    }
    var serverAt = this.base ? Date.parse(this.base) : 0;
    var newer = local.version === this.version || local.base === this.base || !serverAt || local.at > serverAt;
    if (newer) {
      this.area.value = local.text;
      grow(this.area);
      this.show("Restored unsaved notes from " + clock(local.at) + " — saving…", "pending");
      this.save();
      return;
    }
    // Someone saved this item after the copy here was typed: theirs stays; offer ours.
    var self = this;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "Put back the unsaved text from " + clock(local.at);
    button.addEventListener("click", function () {
      self.area.value = local.text;
      grow(self.area);
      button.remove();
      self.save();
    });
    this.show("A newer version was saved since. ", "pending");
    this.state.appendChild(button);
  };

  document.querySelectorAll("form.notes-form").forEach(function (form) {
    var box = new NotesBox(form);
    items.push(box);
    box.restore();
  });

  /* Leaving the page: whatever is not saved yet goes by beacon (the copy here stays until confirmed). */
  function flushByBeacon() {
    items.forEach(function (box) {
      if (!box.dirty() || box.stopped || !navigator.sendBeacon) { return; }
      var data = new FormData();
      data.set("notes", box.area.value);
      data.set("version", String(box.version));
      data.set("csrf_token", csrf);
      navigator.sendBeacon(autosaveUrl(box.n), data);
    });
  }
  window.addEventListener("pagehide", flushByBeacon);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { items.forEach(function (box) { box.save(); }); }
  });

  /* Any other form on the page reloads it: save the notes first (a few seconds at most). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("notes-form") || form.dataset.flushed) { return; }
    var waiting = items.filter(function (box) { return !box.stopped && (box.dirty() || box.busy()); });
    if (!waiting.length) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var saved = Promise.all(waiting.map(function (box) { return box.save(); }));
    var enough = new Promise(function (resolve) { window.setTimeout(resolve, 3000); });
    Promise.race([saved, enough]).then(function () {
      form.dataset.flushed = "1";
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    });
  }, true);

  /* Attendance: naming a delegate is required for "Delegate"; one click for everyone else present. */
  document.querySelectorAll("select.status-select").forEach(function (select) {
    var row = select.closest("tr");
    var delegate = row && row.querySelector("input.delegate-input");
    if (!delegate) { return; }
    var sync = function (focus) {
      delegate.required = select.value === "delegate";
      row.classList.toggle("no-delegate", !delegate.required && !delegate.value);
      if (focus && delegate.required && !delegate.value) { delegate.focus(); }
    };
    select.addEventListener("change", function () { sync(true); });
    sync(false);
  });
  /* Attendance saves only when a button is pressed: say so as soon as the table differs from what was saved. */
  var attendance = document.querySelector("form.attendance-form");
  var attendanceState = document.getElementById("attendance-state");
  if (attendance && attendanceState) {
    var markUnsaved = function () {
      attendanceState.textContent = "Not saved yet: press Save attendance.";
      attendanceState.dataset.kind = "pending";
    };
    attendance.addEventListener("change", markUnsaved);
    attendance.addEventListener("input", markUnsaved);
  }
}());
