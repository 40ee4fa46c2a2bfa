// Behaviour shared by every page. No inline scripts anywhere: the pages can run under a
// strict Content-Security-Policy.
(function () {
  "use strict";

  // After a failed submission, take keyboard and screen-reader users to the error summary.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // A link of the error summary puts the cursor in its field, not only scrolls to it.
  function linkErrorsToFields() {
    document.querySelectorAll("#error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (field) {
          event.preventDefault();
          field.focus();
          field.scrollIntoView({ block: "center" });
        }
      });
    });
  }

  // A file refused, then accepted: its card came back without the error, and the summary of
  // the refusal at the top of the page has nothing left to point to.
  function dropResolvedErrorSummary() {
    var summary = document.getElementById("error-summary");
    var links = summary ? summary.querySelectorAll("a[href^='#file-']") : [];
    var resolved = links.length > 0 && Array.prototype.every.call(links, function (link) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      return field && !field.classList.contains("is-invalid");
    });
    if (resolved) {
      summary.remove();
    }
  }

  // Uploads sent by htmx show their progress in the form's <progress> bar.
  function showUploadProgress(event) {
    var bar = event.target.querySelector && event.target.querySelector("progress.upload-progress");
    if (bar && event.detail.lengthComputable) {
      bar.classList.remove("d-none");
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  }

  // A draft saved in the background says so; a lost connection says the text is still here.
  function showSaveFailure(event) {
    var status = document.getElementById("autosave-status");
    if (status && event.target.closest && event.target.closest(".section-form")) {
      status.textContent = status.dataset.offline || "";
      status.classList.add("text-danger");
    }
  }

  // Deadlines count down live; the server still decides what is late.
  function refreshCountdowns() {
    if (typeof window.ngettext !== "function") {
      return;
    }
    document.querySelectorAll("[data-deadline]").forEach(function (box) {
      var left = Date.parse(box.dataset.deadline) - Date.now();
      var text = box.querySelector(".deadline-countdown");
      if (!text || isNaN(left)) {
        return;
      }
      if (left <= 0) {
        text.textContent = window.gettext("clôturé");
        box.classList.add("deadline-closed");
        return;
      }
      var days = Math.floor(left / 86400000);
      var hours = Math.floor((left % 86400000) / 3600000);
      var minutes = Math.floor((left % 3600000) / 60000);
      var parts = [
        window.interpolate(window.ngettext("%s jour", "%s jours", days), [days]),
        window.interpolate(window.ngettext("%s heure", "%s heures", hours), [hours]),
      ];
      if (days === 0) {
        parts.push(window.interpolate(window.ngettext("%s minute", "%s minutes", minutes), [minutes]));
      }
      text.textContent = window.interpolate(window.gettext("encore %s"), [parts.join(" ")]);
      box.classList.toggle("deadline-urgent", left <= 48 * 3600000);
    });
  }

  // A copy of every dossier text kept in this browser until the server has it: a lost
  // connection or a closed tab never loses what was typed.
  function backupKey(area) {
    return "portal-draft:" + window.location.pathname + ":" + area.name;
  }

  function offerRestore(area, saved) {
    var box = document.createElement("div");
    box.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2 mt-1";
    box.setAttribute("role", "status");
    box.textContent = window.gettext("Un texte plus récent, non enregistré, a été retrouvé sur cet appareil.") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-warning";
    button.textContent = window.gettext("Le restaurer");
    button.addEventListener("click", function () {
      area.value = saved;
      area.dispatchEvent(new Event("input", { bubbles: true }));
      box.remove();
      area.focus();
    });
    box.appendChild(button);
    area.insertAdjacentElement("afterend", box);
  }

  function keepTextBackups() {
    if (!window.localStorage || typeof window.gettext !== "function") {
      return;
    }
    document.querySelectorAll(".section-form textarea").forEach(function (area) {
      if (area.dataset.backup) {
        return;
      }
      area.dataset.backup = "on";
      var saved = window.localStorage.getItem(backupKey(area));
      if (saved !== null && saved === area.value) {
        window.localStorage.removeItem(backupKey(area));
      } else if (saved !== null && !area.closest("fieldset[disabled]")) {
        offerRestore(area, saved);
      }
      area.addEventListener("input", function () {
        window.localStorage.setItem(backupKey(area), area.value);
      });
    });
  }

  // Once the server confirms a background save, the browser copy is no longer needed.
  function dropSavedBackups(event) {
    var form = event.target.closest && event.target.closest(".section-form");
    var answer = event.detail.xhr ? event.detail.xhr.responseText : "";
    if (form && event.detail.successful && answer.indexOf("text-danger") === -1) {
      form.querySelectorAll("textarea").forEach(function (area) {
        window.localStorage.removeItem(backupKey(area));
      });
    }
  }

  // A "Print" button (recovery codes) without an inline handler.
  function printOnRequest(event) {
    if (event.target.closest && event.target.closest("[data-print-page]")) {
      window.print();
    }
  }

  function ready() {
    keepTextBackups();
    refreshCountdowns();
    dropResolvedErrorSummary();
    focusErrorSummary();
    linkErrorsToFields();
  }

  document.addEventListener("DOMContentLoaded", ready);
  document.addEventListener("click", printOnRequest);
  window.setInterval(refreshCountdowns, 30000);
  document.addEventListener("htmx:afterSettle", ready);
  document.addEventListener("htmx:xhr:progress", showUploadProgress);
  document.addEventListener("htmx:sendError", showSaveFailure);
  document.addEventListener("htmx:afterRequest", dropSavedBackups);
  document.addEventListener("htmx:responseError", showSaveFailure);
})();
