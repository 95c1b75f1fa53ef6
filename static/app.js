/* Conductor's one script. Every page works without it; with it:
   - a form that came back with problems scrolls to its first one (the summary, or the field);
   - fields marked data-suggest offer matching people or companies as you type. */
(function () {
  "use strict";

  function firstProblem() {
    return document.querySelector(".error-summary") || document.querySelector("[aria-invalid=true]")
      || document.querySelector(".field .error, .ballot-error");
  }

  function showFirstProblem() {
    var target = firstProblem();
    if (!target) return;
    target.scrollIntoView({block: "center"});
    if (target.matches(".error-summary")) {
      target.focus({preventScroll: true});
    } else {
      var field = target.matches("input, select, textarea") ? target
        : (target.closest(".field, form") || document).querySelector("input:not([type=hidden]), select, textarea");
      if (field) field.focus({preventScroll: true});
    }
  }

  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggest;
    var timer = null, last = "";
    if (!list || !url) return;
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = text;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text),
              {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (answer) { return answer.ok ? answer.json() : {items: []}; })
          .then(function (found) {
            list.textContent = "";
            (found.items || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the plain search form still works */ });
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showFirstProblem();
    document.querySelectorAll("input[data-suggest][list]").forEach(suggest);
  });
})();
