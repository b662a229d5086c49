// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Copy buttons for the feed URL.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copied");
    if (!input) return;
    var manual = function () {
      input.select();
      status.textContent = "Press Ctrl+C or Cmd+C to copy";
    };
    button.addEventListener("click", function () {
      if (!navigator.clipboard) { manual(); return; }  // only secure (https) pages have it
      navigator.clipboard.writeText(input.value).then(function () { status.textContent = "Copied"; }, manual);
    });
  });
  // Site search over a prebuilt index.
  var q = document.getElementById("q");
  if (q && window.fetch) {
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var index = null;
    var run = function () {
      var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.textContent = "";
      if (!terms.length) { status.textContent = ""; return; }
      var hits = index.filter(function (doc) {
        var hay = (doc.title + " " + doc.summary + " " + doc.tags.join(" ") + " " + doc.text).toLowerCase();
        return terms.every(function (t) { return hay.indexOf(t) !== -1; });
      });
      hits.forEach(function (doc) {
        var li = document.createElement("li");
        li.className = "card";
        var h = document.createElement("h2");
        var a = document.createElement("a");
        a.href = doc.url; a.textContent = doc.title;
        h.appendChild(a);
        var kind = document.createElement("p");
        kind.className = "meta"; kind.textContent = doc.kind;
        var p = document.createElement("p");
        p.textContent = doc.summary;
        li.appendChild(h); li.appendChild(kind); li.appendChild(p);
        results.appendChild(li);
      });
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results");
    };
    fetch(q.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (data) {
      index = data;
      var initial = new URLSearchParams(location.search).get("q");
      if (initial) { q.value = initial; }
      run();
      q.addEventListener("input", run);
    });
    q.form.addEventListener("submit", function (event) { event.preventDefault(); if (index) run(); });
  }
})();
