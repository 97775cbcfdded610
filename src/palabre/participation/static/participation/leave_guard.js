/* Leave guard: before leaving a form with unsaved changes, ask first.
 *
 * Activated by ``data-leave-guard`` on a <form>. Link clicks open an accessible in-page
 * confirmation (<dialog>: focus on "Stay", Escape stays, focus returns to the link); going back,
 * reloading or closing the tab get the browser's own ``beforeunload`` prompt. Submitting the
 * form (publishing, saving a draft) never asks. Texts come from data attributes on the form:
 * data-leave-title, data-leave-message, data-leave-confirm, data-leave-cancel.
 */
(function () {
  "use strict";

  function snapshot(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      var type = (el.type || "").toLowerCase();
      if (type === "submit" || type === "button" || type === "hidden" || type === "reset") return;
      if (type === "file") {
        parts.push(el.name + "=" + Array.prototype.map.call(el.files || [], function (f) {
          return f.name;
        }).join("|"));
      } else if (type === "checkbox" || type === "radio") {
        parts.push(el.name + "=" + (el.checked ? el.value : ""));
      } else if (el.tagName === "SELECT" && el.multiple) {
        parts.push(el.name + "=" + Array.prototype.filter.call(el.options, function (o) {
          return o.selected;
        }).map(function (o) { return o.value; }).join("|"));
      } else {
        parts.push(el.name + "=" + el.value);
      }
    });
    return parts.join("&");
  }

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    return b;
  }

  function buildDialog(form, index) {
    var dialog = document.createElement("dialog");
    dialog.className = "leave-dialog";
    var titleId = "leave-dialog-title-" + index;
    var messageId = "leave-dialog-message-" + index;
    dialog.setAttribute("aria-labelledby", titleId);
    dialog.setAttribute("aria-describedby", messageId);
    var title = document.createElement("h2");
    title.id = titleId;
    title.textContent = form.dataset.leaveTitle || "Quitter la page ?";
    var message = document.createElement("p");
    message.id = messageId;
    message.textContent = form.dataset.leaveMessage || "";
    var actions = document.createElement("div");
    actions.className = "leave-dialog__actions";
    var stay = button(form.dataset.leaveCancel || "Rester", "button");
    stay.setAttribute("data-leave-stay", "");
    var go = button(form.dataset.leaveConfirm || "Quitter la page", "button button--secondary");
    go.setAttribute("data-leave-go", "");
    actions.appendChild(stay);
    actions.appendChild(go);
    dialog.appendChild(title);
    dialog.appendChild(message);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
    return { dialog: dialog, stay: stay, go: go };
  }

  function samePageAnchor(link) {
    var url = new URL(link.href, window.location.href);
    var here = window.location;
    return url.origin === here.origin && url.pathname === here.pathname &&
      url.search === here.search && url.hash !== "";
  }

  function guard(form, index) {
    var initial = snapshot(form);
    var leaving = false;
    var pending = null;
    var opener = null;
    var ui = buildDialog(form, index);

    function dirty() {
      return !leaving && snapshot(form) !== initial;
    }

    form.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { leaving = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    document.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || ui.dialog.contains(link)) return;
      if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      if (samePageAnchor(link) || !dirty()) return;
      event.preventDefault();
      pending = link.href;
      opener = link;
      if (typeof ui.dialog.showModal === "function") {
        ui.dialog.showModal();
        ui.stay.focus();
      } else if (window.confirm(ui.dialog.querySelector("p").textContent)) {
        leaving = true;
        window.location.assign(pending);
      }
    }, true);

    ui.stay.addEventListener("click", function () { ui.dialog.close(); });
    ui.go.addEventListener("click", function () {
      leaving = true;
      ui.dialog.close();
      window.location.assign(pending);
    });
    ui.dialog.addEventListener("close", function () {
      if (!leaving && opener) opener.focus();
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-leave-guard]"), guard);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
