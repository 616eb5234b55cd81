// Saves quiz answers as the learner goes, so that a reload or a dropped connection loses
// nothing. The page works without this script: the "Save answers" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || !window.fetch || !window.FormData || !window.Promise) { return; }
  var status = document.getElementById("save-status");
  var timer = null;
  var inFlight = Promise.resolve();
  var submitting = false;

  function save() {
    timer = null;
    var body = new URLSearchParams(new FormData(form));
    inFlight = fetch(form.getAttribute("data-save"), {
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
    if (submitting) { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });

  // Submitting while a save is pending or on its way would let the save arrive after the
  // attempt is closed. Drop the pending save (the submission carries the same answers) and
  // let a save already sent finish first.
  form.addEventListener("submit", function (event) {
    if (submitting) { return; }
    submitting = true;
    clearTimeout(timer);
    var submitter = event.submitter;
    event.preventDefault();
    inFlight.then(function () {
      if (submitter && submitter.getAttribute("formaction")) {
        form.setAttribute("action", submitter.getAttribute("formaction"));
      }
      form.submit();
    });
  });
})();
