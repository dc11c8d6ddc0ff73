// The code page's count, kept up to date every few seconds while the page is visible. Without
// this script the page shows the count when loaded, and a link reloads it.
(function () {
  "use strict";
  var status = document.querySelector("[data-count-url]");
  if (!status || !window.fetch) { return; }
  var url = status.getAttribute("data-count-url");
  var template = status.getAttribute("data-template");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var text = template.replace("{confirmed}", data.confirmed).replace("{declared}", data.declared);
        if (status.textContent !== text) { status.textContent = text; }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 5000);
}());
