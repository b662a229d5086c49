// The episode player: a podcast app's controls over the page's own <audio> element.
// Without this script the native controls, the chapter links and the transcript still work.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var box = audio && audio.closest(".player");
  if (!box) return;
  var store = window.localStorage;
  var positionKey = "retro-stride:position:" + box.getAttribute("data-key");
  var speedKey = "retro-stride:speed";
  var links = Array.prototype.slice.call(document.querySelectorAll(".chapters a[data-seek]"));
  var chapters = links.map(function (a) {
    return {start: parseFloat(a.getAttribute("data-seek")), title: a.querySelector("span").textContent, link: a};
  });
  var now = box.querySelector("[data-now]");
  var speed = box.querySelector("[data-speed]");
  var status = box.querySelector(".share-status");
  var current = -1;

  function clock(seconds) {
    var s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s % 60).padStart(2, "0");
  }

  // "#t=245", "#t=4:05", "#t=1:02:03", "#t=npt:245,300": the media fragment syntax, start only.
  function hashTime() {
    var m = /(?:^#|&)t=(?:npt:)?([0-9:.]+)/.exec(location.hash);
    if (!m) return null;
    var parts = m[1].split(":").map(parseFloat);
    if (parts.length > 3 || parts.some(isNaN)) return null;
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  function read(key) {
    try { return store && store.getItem(key); } catch (e) { return null; }  // storage may be blocked
  }
  function write(key, value) {
    try { if (store) { if (value === null) store.removeItem(key); else store.setItem(key, value); } } catch (e) { /* full or blocked */ }
  }

  function seek(seconds, play) {
    var end = isFinite(audio.duration) ? audio.duration : Infinity;
    audio.currentTime = Math.max(0, Math.min(seconds, end));
    if (play) audio.play().catch(function () {});
  }

  function chapterAt(time) {
    var found = -1;
    chapters.forEach(function (ch, i) { if (ch.start <= time + 0.25) found = i; });
    return found;
  }

  function showChapter() {
    var index = chapterAt(audio.currentTime);
    if (index === current) return;
    if (current >= 0) chapters[current].link.removeAttribute("aria-current");
    current = index;
    if (index < 0) return;
    chapters[index].link.setAttribute("aria-current", "true");
    if (now) {
      // The one live region, and only while playing: a listener hears the next chapter begin, not
      // the result of a seek or a click they made themselves.
      now.parentNode.setAttribute("aria-live", audio.paused ? "off" : "polite");
      now.textContent = chapters[index].title;
    }
    updateMetadata();
  }

  function updateMetadata() {
    if (!("mediaSession" in navigator) || !window.MediaMetadata) return;
    var art = box.getAttribute("data-artwork");
    navigator.mediaSession.metadata = new MediaMetadata({
      title: box.getAttribute("data-title"),
      artist: box.getAttribute("data-show"),
      album: current >= 0 ? chapters[current].title : box.getAttribute("data-show"),
      artwork: [{src: art, type: /\.png$/.test(art) ? "image/png" : "image/jpeg"}],
    });
  }

  function updatePosition() {
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState || !isFinite(audio.duration)) return;
    try {
      navigator.mediaSession.setPositionState({duration: audio.duration, playbackRate: audio.playbackRate, position: Math.min(audio.currentTime, audio.duration)});
    } catch (e) { /* an older browser's stricter checks */ }
  }

  function setupMediaSession() {
    if (!("mediaSession" in navigator)) return;
    var actions = {
      play: function () { audio.play(); },
      pause: function () { audio.pause(); },
      seekbackward: function (d) { seek(audio.currentTime - ((d && d.seekOffset) || 15)); },
      seekforward: function (d) { seek(audio.currentTime + ((d && d.seekOffset) || 30)); },
      seekto: function (d) { seek(d.seekTime); },
      previoustrack: function () {
        var i = chapterAt(audio.currentTime - 3);  // like a CD player: near a chapter's start goes one back
        seek(i >= 0 ? chapters[i].start : 0);
      },
      nexttrack: function () {
        var i = chapterAt(audio.currentTime);
        if (i + 1 < chapters.length) seek(chapters[i + 1].start);
      },
    };
    Object.keys(actions).forEach(function (name) {
      if (!chapters.length && /track$/.test(name)) return;
      try { navigator.mediaSession.setActionHandler(name, actions[name]); } catch (e) { /* not supported here */ }
    });
    updateMetadata();
  }

  // Where to start: a #t= link first, else where this listener stopped last time.
  function startAt() {
    var t = hashTime();
    if (t === null) {
      var saved = parseFloat(read(positionKey));
      if (!(saved > 0)) return;
      t = saved;
    }
    var go = function () { seek(t); showChapter(); };
    if (audio.readyState >= 1) go(); else audio.addEventListener("loadedmetadata", go, {once: true});
  }

  var lastSaved = 0;
  function savePosition(force) {
    var t = audio.currentTime;
    if (!force && Math.abs(t - lastSaved) < 5) return;
    lastSaved = t;
    // Near the end counts as finished: the next visit starts from the top.
    write(positionKey, t > 1 && !(audio.duration - t < 10) ? t.toFixed(1) : null);
  }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-skip")) {
      seek(audio.currentTime + parseFloat(button.getAttribute("data-skip")));
    } else if (button.hasAttribute("data-share")) {
      var url = location.href.split("#")[0] + "#t=" + clock(audio.currentTime);
      var done = function (text) { status.textContent = text; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () { done("Link copied: " + url); }, function () { done(url); });
      } else {
        done(url);
      }
    }
  });

  // Chapter and transcript links seek the player instead of opening the audio file.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-seek]");
    if (!link) return;
    event.preventDefault();
    seek(parseFloat(link.getAttribute("data-seek")), true);
    audio.focus();
  });

  var rate = parseFloat(read(speedKey));
  if (rate >= 0.8 && rate <= 2 && speed.querySelector('option[value="' + rate + '"]')) {
    speed.value = String(rate);
  }
  audio.defaultPlaybackRate = audio.playbackRate = parseFloat(speed.value);
  speed.addEventListener("change", function () {
    audio.defaultPlaybackRate = audio.playbackRate = parseFloat(speed.value);
    write(speedKey, speed.value);
  });
  audio.addEventListener("ratechange", function () { updatePosition(); });
  audio.addEventListener("timeupdate", function () { showChapter(); savePosition(false); });
  audio.addEventListener("seeked", function () { showChapter(); savePosition(true); updatePosition(); });
  audio.addEventListener("pause", function () { savePosition(true); });
  audio.addEventListener("ended", function () { write(positionKey, null); });
  audio.addEventListener("loadedmetadata", updatePosition);
  window.addEventListener("pagehide", function () { savePosition(true); });
  window.addEventListener("hashchange", function () {
    var t = hashTime();
    if (t !== null) seek(t);
  });
  setupMediaSession();
  startAt();
  showChapter();
})();
