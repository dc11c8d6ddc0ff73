/* The lesson editor's enhancements (elearn/templates/authoring/lesson.html).

   The page works without this file: Save and Preview are ordinary submit buttons. With it:
   - a toolbar above each text inserts Markdown;
   - a live preview of the language being typed, fetched from the server (the same renderer
     and sanitiser as an import) and swapped into the column's aria-live region;
   - autosave about 20 seconds after a change, and when a field is left, answering JSON; the
     status line says when it saved or why it did not, and the hidden base fingerprints are
     updated so that the next save is not taken for someone else's.
   No inline script or handler: the Content-Security-Policy allows scripts from this origin only.
*/
(function () {
  "use strict";

  var form = document.querySelector("form.lesson-editor");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var AUTOSAVE_AFTER_MS = 20000;
  var PREVIEW_AFTER_MS = 800;
  var status = document.getElementById("autosave-status");
  var editable = !form.querySelector("fieldset.lesson-columns[disabled]");
  var dirty = false;
  var saving = false;
  var autosaveTimer = null;
  var pendingSubmit = null;
  var previewTimers = {};

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  // Toolbar -----------------------------------------------------------------------------

  var snippets = {
    heading: function () { return { before: "\n## ", after: "\n", text: "" }; },
    bullets: function () { return { before: "\n- ", after: "\n- \n", text: "" }; },
    numbers: function () { return { before: "\n1. ", after: "\n2. \n", text: "" }; },
    table: function (button) {
      var head = button.getAttribute("data-text") || "| A | B |";
      return { before: "\n" + head + "\n|---|---|\n| ", after: " |  |\n", text: "" };
    },
    link: function (button) {
      return { before: "[", after: "](https://)", text: button.getAttribute("data-text") || "" };
    },
    callout: function (button) {
      return { before: "\n> **" + (button.getAttribute("data-text") || "") + "** ", after: "\n", text: "" };
    },
    contact: function (button) {
      var select = button.parentNode.querySelector("select[data-contact]");
      return { before: "{{contact:" + (select ? select.value : "") + "}}", after: "", text: "" };
    }
  };

  function insert(textarea, snippet) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var chosen = textarea.value.slice(start, end) || snippet.text;
    var before = snippet.before;
    if (start === 0 && before.charAt(0) === "\n") {
      before = before.slice(1);
    }
    textarea.setRangeText(before + chosen + snippet.after, start, end, "end");
    var caret = start + before.length + chosen.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  Array.prototype.forEach.call(form.querySelectorAll(".md-toolbar"), function (toolbar) {
    var textarea = document.getElementById(toolbar.getAttribute("data-for"));
    if (!textarea || !editable) {
      return;
    }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-insert]");
      if (button && snippets[button.getAttribute("data-insert")]) {
        insert(textarea, snippets[button.getAttribute("data-insert")](button));
      }
    });
  });

  if (!editable) {
    return;
  }

  // Live preview ------------------------------------------------------------------------

  function languageOf(element) {
    var column = element.closest("[data-language]");
    return column ? column.getAttribute("data-language") : null;
  }

  function preview(language) {
    var region = document.getElementById("preview-" + language);
    if (!region) {
      return;
    }
    var data = new FormData(form);
    data.set("preview", language);
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      region.innerHTML = html; // the server's own fragment: escaped, rendered and sanitised
    }).catch(function () {
      /* the Preview button still works */
    });
  }

  // Autosave ----------------------------------------------------------------------------

  function scheduleAutosave() {
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, AUTOSAVE_AFTER_MS);
  }

  function applySaved(payload) {
    Object.keys(payload.bases || {}).forEach(function (language) {
      var base = form.querySelector('input[data-base-of="' + language + '"]');
      if (base) {
        base.value = payload.bases[language];
      }
    });
    Object.keys(payload.states || {}).forEach(function (language) {
      var mark = form.querySelector('[data-state-of="' + language + '"]');
      if (mark) {
        mark.textContent = payload.states[language].label;
      }
    });
  }

  function autosave() {
    clearTimeout(autosaveTimer);
    if (!dirty || saving) {
      return;
    }
    saving = true;
    dirty = false;
    say(form.getAttribute("data-saving"));
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().catch(function () {
        return { status: "failed", message: form.getAttribute("data-failed") };
      });
    }).then(function (payload) {
      if (payload.status === "saved") {
        applySaved(payload);
      } else {
        dirty = true; // still to be saved: by the Save button, or the next change
      }
      say(payload.message || "");
    }).catch(function () {
      dirty = true;
      say(form.getAttribute("data-failed"));
    }).then(function () {
      saving = false;
      if (pendingSubmit) {
        var button = pendingSubmit.button;
        pendingSubmit = null;
        if (button) {
          form.requestSubmit(button);
        } else {
          form.requestSubmit();
        }
      }
    });
  }

  form.addEventListener("input", function (event) {
    var language = languageOf(event.target);
    dirty = true;
    scheduleAutosave();
    if (language && /^(title|objectives|body)_/.test(event.target.name || "")) {
      clearTimeout(previewTimers[language]);
      previewTimers[language] = setTimeout(function () { preview(language); }, PREVIEW_AFTER_MS);
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=text], textarea")) {
      autosave(); // leaving a changed field
    } else {
      dirty = true;
      scheduleAutosave();
    }
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(autosaveTimer);
    if (saving) {
      // Wait for the autosave under way: its new base goes with this submit.
      event.preventDefault();
      pendingSubmit = { button: event.submitter || null };
    }
  });
})();
