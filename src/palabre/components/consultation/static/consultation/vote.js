/* Progressive enhancement of the consultation vote widget (consultation/_vote_widget.html).
 *
 * Without this script the widget is a plain form: POST, then the server redirects back to
 * the page (#vote). With it, the same POST is sent with fetch, the page the server redirects
 * to is parsed, and only the widget's body is swapped: the focus stays on the button just
 * pressed (now aria-pressed="true"), and the status line says what happened. Whenever the
 * answer is not what is expected (logged out, error page, network), the form is submitted
 * the ordinary way. No inline script, no third-party host (CSP: script-src 'self').
 */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }

  function plainSubmit(form, submitter) {
    // form.submit() would drop the pressed button's value: carry it in a hidden input.
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = submitter.name;
    input.value = submitter.value;
    form.appendChild(input);
    HTMLFormElement.prototype.submit.call(form);
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote-form")) {
      return;
    }
    var widget = form.closest("[data-vote-widget]");
    var submitter = event.submitter;
    if (!widget || !widget.id || !submitter || !submitter.name) {
      return;
    }
    event.preventDefault();
    if (widget.getAttribute("aria-busy") === "true") {
      return; // a double click: the first vote is on its way
    }
    var data = new FormData(form);
    data.append(submitter.name, submitter.value);
    var value = submitter.value;
    widget.setAttribute("aria-busy", "true");

    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (response.status === 429) {
          // Too many votes in a short time: say why where the result is said, keep the page.
          return response.text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var status = widget.querySelector("[data-vote-status]");
            widget.removeAttribute("aria-busy");
            if (status) {
              status.textContent = text(doc.querySelector("[data-refusal]"));
            }
            return null;
          });
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text().then(function (html) {
          return { url: response.url, html: html };
        });
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        var doc = new DOMParser().parseFromString(answer.html, "text/html");
        var fresh = doc.getElementById(widget.id);
        var freshBody = fresh && fresh.querySelector("[data-vote-body]");
        var body = widget.querySelector("[data-vote-body]");
        if (!freshBody || !body) {
          // Not the page we voted on (e.g. the login page): show it.
          window.location.assign(answer.url);
          return;
        }
        body.replaceWith(document.importNode(freshBody, true));
        widget.removeAttribute("aria-busy");

        var status = widget.querySelector("[data-vote-status]");
        if (status) {
          var messages = Array.prototype.map.call(
            doc.querySelectorAll(".messages .message"),
            text
          );
          var figures = Array.prototype.map
            .call(widget.querySelectorAll(".votebars__figures li"), text)
            .join(", ") || text(widget.querySelector(".votebars__figures"));
          status.textContent = "";
          var said = document.createElement("span");
          said.textContent = messages.join(" ");
          var heard = document.createElement("span");
          heard.className = "visually-hidden";
          heard.textContent = " " + figures;
          status.appendChild(said);
          status.appendChild(heard);
        }

        var target =
          widget.querySelector('[data-vote-form] button[name="value"][value="' + value + '"]') ||
          widget.querySelector("[data-vote-form] .vote-button") ||
          widget.querySelector("#" + widget.id + "-title, h2");
        if (target) {
          target.focus();
        }
      })
      .catch(function () {
        widget.removeAttribute("aria-busy");
        plainSubmit(form, submitter);
      });
  });
})();
