/* Autosave of a proposal form: every few seconds after a change, the text typed (never the
 * files) is posted to ``data-autosave-url``; the server keeps it as the author's draft. The
 * explicit "Enregistrer le brouillon" button does the same without JavaScript. */
(function () {
  "use strict";
  var DELAY = 2000;
  var INTERVAL = 15000;

  function start() {
    var form = document.querySelector("form[data-autosave-url]");
    if (!form || !window.fetch || !window.FormData) return;
    var url = form.dataset.autosaveUrl;
    var status = form.querySelector("[data-autosave-status]");
    var draftInput = form.querySelector("input[name=draft]");
    var timer = null;
    var inflight = false;

    function payload() {
      var data = new FormData(form);
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (el) {
        data.delete(el.name);
      });
      data.delete("action");
      data.delete("remove_file");
      return data;
    }

    function key(data) {
      var parts = [];
      data.forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && name !== "draft") parts.push(name + "=" + value);
      });
      return parts.join("&");
    }

    var saved = key(payload());

    function say(text) {
      if (status) status.textContent = text;
    }

    function save() {
      timer = null;
      if (inflight) {
        schedule();
        return;
      }
      var data = payload();
      var current = key(data);
      if (current === saved) return;
      inflight = true;
      say(form.dataset.autosaveSaving || "");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) {
            // The server's refusal says why (a text far too long, a session ended): shown.
            var refusal = new Error(json.error || "");
            refusal.fromServer = true;
            throw refusal;
          }
          return json;
        });
      }).then(function (json) {
        if (draftInput && json.draft) draftInput.value = json.draft;
        saved = current;
        say(json.message);
        form.dispatchEvent(new CustomEvent("autosave:saved", { detail: json }));
      }).catch(function (error) {
        say((error && error.fromServer && error.message) || form.dataset.autosaveError || "");
      }).then(function () {
        inflight = false;
      });
    }

    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.setInterval(save, INTERVAL);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
