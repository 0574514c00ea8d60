// Cadre console: progressive enhancement only; every page works without it.
// Pages marked data-live follow the tenant's event stream (/live, the API's
// /v1/events/stream for this session) and refresh their live part in place.
(function () {
  "use strict";

  // refresh fetches the page again and swaps the element with id in place.
  function refresh(id, after) {
    return fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(id), old = document.getElementById(id);
        if (fresh && old) { old.replaceWith(fresh); }
        if (after) { after(doc); }
      })
      .catch(function () { /* the next event tries again */ });
  }

  function follow(types, onEvent) {
    if (!window.EventSource) { return; }
    var es = new EventSource("/live?types=" + encodeURIComponent(types.join(",")));
    // The page says when it follows the stream (tests wait for it).
    es.addEventListener("open", function () { document.documentElement.dataset.live = "open"; });
    es.addEventListener("error", function () { document.documentElement.dataset.live = "retrying"; });
    types.forEach(function (t) {
      es.addEventListener("cadre." + t, function () { onEvent(t); });
    });
  }

  function library(status) {
    follow(["document.uploaded", "document.deleted", "values.updated", "library.changed", "employee.created",
      "employee.updated", "library.rebuilt"], function (t) {
      if (t !== "library.rebuilt") {
        var s = document.getElementById("library-status");
        if (s && !s.querySelector(".rebuilding")) {
          var b = document.createElement("span");
          b.className = "rebuilding";
          b.textContent = "Rebuilding…";
          s.prepend(b);
        }
        return;
      }
      // The whole page changes with a new version: swap main's content.
      refresh("main", function () { document.body.dataset.libraryVersion = "new"; });
    });
  }

  function heatmap() {
    var pending = null;
    follow(["assessment.scored", "plan.updated"], function () {
      refresh("heatmap");
      // The analytics projector may answer a moment after the event.
      clearTimeout(pending);
      pending = setTimeout(function () { refresh("heatmap"); }, 1500);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-live]");
    if (!el) { return; }
    switch (el.dataset.live) {
      case "library": library(el); break;
      case "heatmap": heatmap(); break;
      case "reload": setTimeout(function () { location.reload(); }, 2000); break;
    }
  });
})();
