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

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    linkErrorsToFields();
  });
})();
