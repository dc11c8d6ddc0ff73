/* The attendance list's enhancements (elearn/templates/events/attendance.html).

   The page works without this file: the ticks and the count are saved by the Save button, all
   at once. With it:
   - each tick is sent in the background, as JSON, to an idempotent endpoint (the same tick
     sent twice changes nothing; the last one sent wins);
   - ticks not yet sent (offline, a failed request, the server busy) are kept in localStorage,
     one per registration (the latest wins), and sent again when the connection returns (the
     "online" event) or after a growing wait (1 s, 2 s, 4 s ... up to a minute);
   - a status line (role="status", so screen readers announce it) says how many changes are
     waiting, or that all is saved, and the count of people present follows the ticks;
   - typing in the search field narrows the list at once (the Search button still works).
   No inline script or handler: the Content-Security-Policy allows scripts from this origin only.
*/
(function () {
  "use strict";

  var form = document.getElementById("attendance-form");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var status = document.getElementById("attendance-status");
  var countsLine = document.getElementById("attendance-counts");
  var csrf = form.querySelector("input[name=csrf_token]");
  var storageKey = form.getAttribute("data-storage-key");
  var markUrl = form.getAttribute("data-mark-url");
  var MIN_WAIT_MS = 1000;
  var MAX_WAIT_MS = 60000;
  var wait = MIN_WAIT_MS;
  var retryTimer = null;
  var sending = false;
  var stopped = false; // the session ended: wait for a reload
  var pending = load();

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
      return stored && typeof stored === "object" ? stored : {};
    } catch (error) {
      return {};
    }
  }

  function keep() {
    try {
      if (Object.keys(pending).length) {
        window.localStorage.setItem(storageKey, JSON.stringify(pending));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) {
      /* Private browsing or a full storage: the ticks wait in memory only. */
    }
  }

  function say(message) {
    if (!status) {
      return;
    }
    status.hidden = false;
    if (status.textContent !== message) {
      status.textContent = message;
    }
  }

  function sayWaiting() {
    var count = Object.keys(pending).length;
    if (count) {
      say(form.getAttribute("data-waiting").replace("{count}", String(count)));
    } else {
      say(form.getAttribute("data-saved"));
    }
  }

  function showCounts(counts) {
    if (!countsLine || !counts) {
      return;
    }
    countsLine.textContent = countsLine.getAttribute("data-template")
      .replace("{present}", String(counts.present))
      .replace("{registered}", String(counts.registered));
  }

  function scheduleRetry() {
    if (retryTimer || stopped) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, wait);
    wait = Math.min(wait * 2, MAX_WAIT_MS);
  }

  function sendOne(id, present) {
    return fetch(markUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf ? csrf.value : ""
      },
      body: JSON.stringify({ registration: Number(id), present: present })
    });
  }

  function flush() {
    if (sending || stopped) {
      return;
    }
    var ids = Object.keys(pending);
    if (!ids.length) {
      sayWaiting();
      return;
    }
    if (navigator.onLine === false) {
      sayWaiting();
      scheduleRetry(); // the "online" event sends them sooner
      return;
    }
    sending = true;
    var id = ids[0];
    var present = pending[id];
    sendOne(id, present).then(function (response) {
      if (response.ok) {
        return response.json().then(function (answer) {
          // A newer tick of the same person, made while this one travelled, stays waiting.
          if (pending[id] === present) {
            delete pending[id];
          }
          keep();
          wait = MIN_WAIT_MS;
          showCounts(answer.counts);
          return "next";
        });
      }
      if (response.status === 404) {
        // Not (or no longer) on the list: sending it again would never succeed.
        delete pending[id];
        keep();
        say(form.getAttribute("data-refused"));
        return "next";
      }
      if (response.type === "opaqueredirect" || response.status === 400 || response.status === 401 || response.status === 403) {
        // Signed out, or the page's token expired: the ticks stay kept for after a reload.
        stopped = true;
        say(form.getAttribute("data-signed-out"));
        return "stop";
      }
      return "retry"; // 429, 5xx: the server is busy or failing for now
    }, function () {
      return "retry"; // no connection
    }).then(function (next) {
      sending = false;
      if (next === "next") {
        flush();
      } else if (next === "retry") {
        sayWaiting();
        scheduleRetry();
      }
    });
  }

  function ticked(event) {
    var box = event.target;
    if (!box || box.name !== "present") {
      return;
    }
    pending[box.value] = box.checked;
    keep();
    say(form.getAttribute("data-saving"));
    flush();
  }

  // Ticks kept from an earlier visit (the phone went offline, the page was closed) are shown
  // as made and sent again.
  Object.keys(pending).forEach(function (id) {
    var box = document.getElementById("present-" + id);
    if (box) {
      box.checked = pending[id];
    }
  });

  form.addEventListener("change", ticked);
  // The Save button sends every tick itself: nothing is left waiting after it.
  form.addEventListener("submit", function () {
    pending = {};
    keep();
  });
  window.addEventListener("online", function () {
    wait = MIN_WAIT_MS;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    flush();
  });
  window.addEventListener("offline", sayWaiting);
  if (Object.keys(pending).length) {
    sayWaiting();
    flush();
  }

  // Narrow the list as a name is typed, ignoring case and diacritics.
  var search = document.getElementById("attendance-search");
  var rows = form.querySelectorAll("#attendance-list li");
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  if (search && rows.length) {
    search.addEventListener("input", function () {
      var wanted = fold(search.value);
      Array.prototype.forEach.call(rows, function (row) {
        var hide = wanted !== "" && fold(row.getAttribute("data-name") || "").indexOf(wanted) === -1;
        // Through the style: the list's rows are a grid, which would outweigh [hidden].
        row.style.display = hide ? "none" : "";
      });
    });
  }
}());
