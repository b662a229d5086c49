/* injected by build.py serve; not part of the site */
(function () {
  // Asks for the build state and waits for the next (the server answers when a rebuild ends, or after
  // a long-poll timeout); reloads when the build number changes; shows a failed rebuild's problems.
  // The build number on this page and the endpoint come from this script tag's data- attributes.
  var config = document.currentScript.dataset;
  var seen = Number(config.version), endpoint = config.endpoint, state = -1, box = null;
  function banner(problems) {
    if (!problems.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;z-index:99999;margin:0;max-height:45vh;" +
        "overflow:auto;padding:1em;background:#7a1010;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap");
      document.body.appendChild(box);
    }
    box.textContent = "The last edit did not build (still showing the previous build):\n\n" + problems.join("\n");
  }
  function poll() {
    fetch(endpoint + "?state=" + state, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.version !== seen) { location.reload(); return; }
      state = s.state;
      banner(s.problems);
      poll();
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
