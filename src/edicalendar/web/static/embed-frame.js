// Tells a page that frames the widget how tall the widget is, so the page's copy of
// static/embed.js can size the frame to fit. Only the height is sent; the widget works
// without this script (a plain iframe of a fixed height).
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ edicalendar: "embed-height", height: height }, "*");
    }
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  if (window.ResizeObserver) {
    new window.ResizeObserver(report).observe(document.body);
  }
})();
