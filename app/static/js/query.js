// Upgrades the query textarea to the YASGUI editor (syntax highlighting, prefix completion of SCKG's own
// prefixes) when the npm package is installed; the plain textarea works without it. The editor makes no
// calls to outside services: remote autocompleters are switched off and the page's CSP allows only 'self'.
(function () {
  "use strict";
  var area = document.getElementById("query-text");
  if (!area || area.dataset.editor !== "yasqe" || !window.Yasgui || !window.Yasgui.Yasqe) { return; }
  var Yasqe = window.Yasgui.Yasqe;
  try {
    var editor = Yasqe.fromTextArea(area, {
      persistenceId: null,
      showQueryButton: false,
      resizeable: true,
      autocompleters: ["variables"],
      requestConfig: { endpoint: "/sparql", method: "POST" }
    });
    var input = editor.getInputField();
    input.setAttribute("aria-label", area.labels && area.labels[0] ? area.labels[0].textContent : "SPARQL");
    var scroller = editor.getScrollerElement();
    scroller.setAttribute("tabindex", "0");
    scroller.setAttribute("aria-label", input.getAttribute("aria-label"));
    scroller.addEventListener("focus", function () { editor.focus(); });
    area.form.addEventListener("submit", function () { area.value = editor.getValue(); });
  } catch (err) {
    area.hidden = false;
  }
})();
