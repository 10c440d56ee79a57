// Subscribe page: copy buttons, and the builder's address kept up to date as choices change.
// The page works without this file: the builder is a plain form and addresses can be selected.
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.focus();
    input.select();
    return new Promise(function (resolve, reject) {
      (document.execCommand("copy") ? resolve : reject)();
    });
  }

  function wireCopy(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copy);
      var status = root.querySelector('[data-copied-for="' + button.dataset.copy + '"]');
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        // The words come from the page (data-copied, data-failed), so a Welsh page says them
        // in Welsh; emptied first, so saying the same words twice is announced twice.
        if (status) status.textContent = "";
        copyText(input).then(
          function () { if (status) status.textContent = button.dataset.copied || "Copied."; },
          function () {
            input.focus();
            input.select();
            if (status) status.textContent = button.dataset.failed || "Select it and copy it (Ctrl+C).";
          }
        );
      });
    });
    root.querySelectorAll("input.url").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  function wireBuilder() {
    var form = document.getElementById("builder-form");
    var built = document.getElementById("built");
    if (!form || !built || !window.fetch || !window.DOMParser) return;
    var pending = null;
    function refresh() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var target = form.getAttribute("action").split("#")[0] + "?" + query;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(target, { signal: pending.signal, headers: { Accept: "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("built");
          if (!fresh) return;
          built.innerHTML = fresh.innerHTML;
          wireCopy(built);
          history.replaceState(null, "", target + "#built");
        })
        .catch(function () { /* the submit button still works */ });
    }
    form.addEventListener("change", refresh);
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireCopy(document);
    wireBuilder();
  });
})();

// A link to one ready-made calendar (/#feed-race) opens its folded section.
(function () {
  "use strict";
  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(location.hash.slice(1));
    var details = target && target.querySelector("details");
    if (details) details.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
})();
