// The evaluator's scoring form: the weighted total, out of 100, recomputed as notes are
// chosen. Only a display: the server computes the total that counts when the review is submitted.
(function () {
  "use strict";

  function decimalSeparator() {
    if (typeof window.get_format === "function") {
      return window.get_format("DECIMAL_SEPARATOR") || ".";
    }
    return ".";
  }

  function formatTotal(value) {
    return (Math.round(value * 100) / 100).toFixed(2).replace(".", decimalSeparator());
  }

  function countText(scored, total) {
    if (typeof window.ngettext !== "function") {
      return scored + " / " + total;
    }
    var text = window.ngettext(
      "%(scored)s critère noté sur %(total)s",
      "%(scored)s critères notés sur %(total)s",
      scored
    );
    return window.interpolate(text, { scored: scored, total: total }, true);
  }

  function refresh(form) {
    var scaleMax = parseInt(form.dataset.scaleMax, 10);
    var criteria = form.querySelectorAll(".criterion");
    var weighted = 0;
    var scored = 0;
    criteria.forEach(function (criterion) {
      var checked = criterion.querySelector("input[type=radio]:checked");
      if (checked) {
        weighted += parseInt(criterion.dataset.weight, 10) * parseInt(checked.value, 10);
        scored += 1;
      }
    });
    var output = form.querySelector("#live-total");
    if (output && scaleMax > 0) {
      output.textContent = formatTotal(weighted / scaleMax);
    }
    var count = form.querySelector("#scored-count");
    if (count) {
      count.textContent = countText(scored, criteria.length);
    }
  }

  document.querySelectorAll("form.scoring-form").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        refresh(form);
      }
    });
    refresh(form);
  });
})();
