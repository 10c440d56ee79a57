// Copy buttons for read-only snippets: a button with data-copy="ID" copies the text of the
// element ID and says so in its status line (role="status", read out by screen readers). The
// page works without this file: the buttons stay hidden and the text can be selected.
(function () {
  "use strict";

  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    return new Promise(function (resolve, reject) {
      (document.execCommand("copy") ? resolve : reject)();
    });
  }

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.querySelector('[data-copied-for="' + button.dataset.copy + '"]');
    if (!field || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      // Emptied first, so saying the same words twice is announced twice.
      status.textContent = "";
      copyText(field).then(
        function () { status.textContent = button.dataset.copied; },
        function () {
          field.focus();
          field.select();
          status.textContent = button.dataset.failed;
        }
      );
    });
    field.addEventListener("focus", function () { field.select(); });
  });
})();
