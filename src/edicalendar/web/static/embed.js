// The "coming up" widget for an intranet page, with no other dependency:
//   <script src="https://CALENDAR/static/embed.js" data-n="5" data-category="race" async></script>
// writes an iframe of CALENDAR/embed/upcoming just after itself and keeps it as tall as the
// list. Options (all optional): data-n (1-20), data-category (one or more, separated by
// spaces), data-target (_blank or _top), data-heading, data-title (the frame's accessible
// name), data-lang (cy: the Welsh widget). The calendar must list this page's origin in
// [web] embed_origins.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var origin = new URL(script.src).origin;
  var params = new URLSearchParams();
  var data = script.dataset;
  if (data.n) { params.append("n", data.n); }
  (data.category || "").split(/[\s,]+/).forEach(function (category) {
    if (category) { params.append("category", category); }
  });
  if (data.target) { params.append("target", data.target); }
  if (data.heading) { params.append("heading", data.heading); }
  var frame = document.createElement("iframe");
  var query = params.toString();
  var path = (data.lang === "cy" ? "/cy" : "") + "/embed/upcoming";
  frame.src = origin + path + (query ? "?" + query : "");
  frame.title = data.title || (data.lang === "cy"
    ? "I ddod yn y calendr ymwybyddiaeth CAC"
    : "Coming up in the EDI awareness calendar");
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = (data.height || "360") + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) {
      return;
    }
    var message = event.data;
    if (!message || message.edicalendar !== "embed-height") {
      return;
    }
    var height = Number(message.height);
    if (height > 0 && height < 5000) {
      frame.style.height = height + "px";
    }
  });
})();
