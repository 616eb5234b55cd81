// Staff import: uploads the chosen file with XMLHttpRequest so that a <progress> element can
// show how far a large file has got. Without JavaScript the form posts as usual; with it, the
// result is the same page the plain form would lead to (the preview, or the form with an error).
"use strict";
(function () {
  function bind(form) {
    if (!form || form.dataset.bound) return;
    form.dataset.bound = "1";
    var box = document.getElementById("import-progress");
    var bar = document.getElementById("import-bar");
    var status = document.getElementById("import-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (ev) {
      var input = form.querySelector("input[type=file]");
      if (!window.FormData || !input || !input.files || input.files.length === 0) return; // let the browser post
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      box.hidden = false;
      bar.value = 0;
      bar.textContent = "0 %";
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var n = Math.floor((e.loaded * 100) / e.total);
        bar.value = n;
        bar.textContent = n + " %";
        status.textContent = form.dataset.msgProgress.replace("{n}", n);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        status.textContent = form.dataset.msgProcessing;
      });
      xhr.addEventListener("load", function () {
        // The server answers a good upload with a redirect to the preview, which XHR followed.
        if (xhr.responseURL && new URL(xhr.responseURL).pathname !== new URL(form.action).pathname) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // An error page for the form: show it as the plain form post would.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.querySelector("main").replaceWith(document.adoptNode(doc.querySelector("main")));
        bind(document.getElementById("import-form"));
        var alert = document.querySelector("main .notice.error");
        if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
      });
      xhr.addEventListener("error", function () {
        status.textContent = form.dataset.msgFailed;
        button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }
  function start() { bind(document.getElementById("import-form")); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
