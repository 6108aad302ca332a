// Progressive enhancements for every page: search suggestions as you type, and filters that apply
// themselves when changed. Every page works without this file.
(function () {
  "use strict";

  function suggestions(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var timer = null, active = -1, lastAsked = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true; list.textContent = ""; active = -1;
      input.setAttribute("aria-expanded", "false");
    }
    function show(items) {
      list.textContent = "";
      items.forEach(function (item, i) {
        if (!item.url) { return; }
        var li = document.createElement("li");
        li.setAttribute("role", "presentation");
        var a = document.createElement("a");
        a.href = item.url; a.id = "suggestion-" + i; a.setAttribute("role", "option");
        a.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "kind"; kind.textContent = item.kind;
        a.appendChild(kind); li.appendChild(a); list.appendChild(li);
      });
      var any = list.children.length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
    }
    function ask() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (q === lastAsked) { return; }
      lastAsked = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (input.value.trim() === q) { show(items); } })
        .catch(close);
    }
    function move(step) {
      var links = list.querySelectorAll("a");
      if (!links.length) { return; }
      if (active >= 0) { links[active].removeAttribute("aria-selected"); }
      active = (active + step + links.length) % links.length;
      links[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", links[active].id);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 150); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault(); window.location.href = list.querySelectorAll("a")[active].href;
      }
    });
    document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== input) { close(); } });
  }

  document.querySelectorAll("input[data-suggest]").forEach(suggestions);
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("form.facets input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () { box.form.submit(); });
  });
})();
