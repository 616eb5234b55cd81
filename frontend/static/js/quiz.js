// Saves quiz answers as the learner goes, so that a reload or a dropped connection loses
// nothing. The page works without this script: the "Save answers" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("save-status");
  var timer = null;
  function save() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-save"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (res) {
      status.textContent = res.ok ? form.getAttribute("data-saved") : form.getAttribute("data-failed");
    }).catch(function () {
      status.textContent = form.getAttribute("data-failed");
    });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
})();
