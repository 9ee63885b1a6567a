// Salon's gallery script: filters in place, walking from work to work, the full-screen viewer
// and search. Every part is an enhancement: without JavaScript the filters are pages, the
// walk is links, the viewer link opens the large image, and each work is on its exhibition's page.
(function () {
  "use strict";
  var doc = document;
  function param(name) {
    var match = new RegExp("[?&]" + name + "=([^&#]*)").exec(location.search);
    try { return match ? decodeURIComponent(match[1].replace(/\+/g, " ")) : ""; } catch (e) { return ""; }
  }
  // Keys belong to whatever the visitor is using: a player, a field, a button.
  function ownsKeys(el) {
    return el && el !== doc.body && (/^(INPUT|TEXTAREA|SELECT|VIDEO|AUDIO|BUTTON)$/.test(el.tagName) || el.isContentEditable);
  }

  // Filters: the exhibition grid by medium, in place; the work pages then walk within it. A grid
  // split into pages holds only some of the works, so there the filters stay links to their pages.
  var grid = doc.getElementById("works");
  var links = doc.querySelectorAll(".filters a[data-medium]");
  if (grid && links.length && !doc.querySelector(".filter-note") && !doc.querySelector("nav.pages")) {
    var cards = grid.querySelectorAll(".card");
    var show = function (medium, link) {
      for (var i = 0; i < cards.length; i++) {
        cards[i].hidden = medium !== "" && cards[i].getAttribute("data-medium") !== medium;
        var a = cards[i].querySelector("a");
        if (a) a.href = a.getAttribute("href").split("?")[0] + (medium ? "?in=" + encodeURIComponent(medium) : "");
      }
      for (var j = 0; j < links.length; j++) links[j].removeAttribute("aria-current");
      link.setAttribute("aria-current", "page");
    };
    for (var k = 0; k < links.length; k++) {
      links[k].addEventListener("click", function (event) {
        event.preventDefault();
        show(this.getAttribute("data-medium"), this);
      });
    }
  }

  // Walking: within the filter the visitor came from, else the whole exhibition.
  var walk = doc.querySelector("nav.walk");
  var medium = walk && walk.getAttribute("data-medium");
  if (walk && medium && param("in") === medium) {
    ["previous", "next"].forEach(function (which) {
      var a = walk.querySelector("[data-walk=" + which + "]");
      var target = walk.getAttribute("data-" + which + "-in-medium");
      if (a && !target) a.parentNode.removeChild(a);
      else if (a) a.href = target;
    });
  }

  // The viewer: the largest picture, full screen, to zoom and pan.
  var viewer = doc.getElementById("viewer");
  var openers = doc.querySelectorAll("a[data-viewer]");
  var state = { index: 0, scale: 1, x: 0, y: 0, opener: null };
  // The picture exists only while the viewer is open, so a closed viewer holds no image.
  var picture = null;
  var stage = viewer && viewer.querySelector(".viewer-stage");
  function place() {
    if (!picture) return;
    picture.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")";
    viewer.classList.toggle("zoomed", state.scale > 1);
  }
  function zoom(factor) {
    state.scale = Math.min(8, Math.max(1, state.scale * factor));
    if (state.scale === 1) state.x = state.y = 0;
    place();
  }
  function pan(dx, dy) {
    if (state.scale === 1) return;
    state.x += dx;
    state.y += dy;
    place();
  }
  function showPicture(index) {
    state.index = (index + openers.length) % openers.length;
    state.scale = 1;
    state.x = state.y = 0;
    var link = openers[state.index];
    var inner = link.querySelector("img");
    if (!picture) {
      picture = doc.createElement("img");
      picture.className = "viewer-image";
      picture.draggable = false;
      stage.appendChild(picture);
    }
    picture.alt = inner ? inner.alt : "";
    picture.src = link.href;
    place();
  }
  if (viewer && stage && openers.length && viewer.showModal) {
    for (var n = 0; n < openers.length; n++) {
      openers[n].addEventListener("click", (function (index) {
        return function (event) {
          if (event.ctrlKey || event.metaKey || event.shiftKey) return;
          event.preventDefault();
          state.opener = this;
          showPicture(index);
          viewer.showModal();
          viewer.querySelector("[data-viewer-action=close]").focus();
        };
      })(n));
    }
    viewer.addEventListener("close", function () {
      if (picture) stage.removeChild(picture);
      picture = null;
      if (state.opener) state.opener.focus();
    });
    viewer.addEventListener("click", function (event) {
      var action = event.target.getAttribute && event.target.getAttribute("data-viewer-action");
      if (action === "close") viewer.close();
      else if (action === "zoom-in") zoom(1.5);
      else if (action === "zoom-out") zoom(1 / 1.5);
    });
    viewer.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var step = 60, key = event.key;
      if (key === "+" || key === "=") zoom(1.5);
      else if (key === "-") zoom(1 / 1.5);
      else if (key === "0") zoom(0);
      else if (state.scale > 1 && /^Arrow/.test(key)) {
        pan(key === "ArrowLeft" ? step : key === "ArrowRight" ? -step : 0,
          key === "ArrowUp" ? step : key === "ArrowDown" ? -step : 0);
      } else if (key === "ArrowRight" && openers.length > 1) showPicture(state.index + 1);
      else if (key === "ArrowLeft" && openers.length > 1) showPicture(state.index - 1);
      else return;
      event.preventDefault();
    });
    stage.addEventListener("dblclick", function () { zoom(state.scale > 1 ? 0 : 2.5); });
    viewer.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2);
    }, { passive: false });
    // Drag pans a zoomed picture; a swipe moves to the next or previous one.
    var drag = null;
    stage.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, startX: event.clientX };
      if (stage.setPointerCapture) stage.setPointerCapture(event.pointerId);
    });
    stage.addEventListener("pointermove", function (event) {
      if (!drag) return;
      pan(event.clientX - drag.x, event.clientY - drag.y);
      drag.x = event.clientX;
      drag.y = event.clientY;
    });
    stage.addEventListener("pointerup", function (event) {
      if (drag && state.scale === 1 && openers.length > 1 && Math.abs(event.clientX - drag.startX) > 50) {
        showPicture(state.index + (event.clientX < drag.startX ? 1 : -1));
      }
      drag = null;
    });
  }

  // Arrow keys walk the exhibition, unless something focused uses them or the viewer is open.
  if (walk) {
    doc.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if ((viewer && viewer.open) || ownsKeys(doc.activeElement)) return;
      var which = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "previous" : null;
      var a = which && walk.querySelector("[data-walk=" + which + "]");
      if (!a) return;
      event.preventDefault();
      location.href = a.href;
    });
  }

  // Search: every work, from the index the export wrote beside the pages.
  var field = doc.getElementById("search-terms");
  var results = doc.getElementById("search-results");
  var status = doc.getElementById("search-status");
  var index = window.salonSearchIndex;
  if (field && results && status && index) {
    var fold = function (text) {
      return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    };
    var weights = { artists: 10, title: 8, medium: 3, exhibition: 2, statement: 1 };
    var folded = index.map(function (entry) {
      var f = {};
      for (var key in weights) f[key] = fold(entry[key]);
      return f;
    });
    var score = function (f, words) {
      var total = 0;
      for (var w = 0; w < words.length; w++) {
        var best = 0;
        for (var key in weights) {
          var at = f[key].indexOf(words[w]);
          if (at < 0) continue;
          var wordStart = at === 0 || /[^a-z0-9]/.test(f[key].charAt(at - 1));
          best = Math.max(best, weights[key] * (wordStart ? 2 : 1));
        }
        if (!best) return 0;
        total += best;
      }
      return total;
    };
    var run = function () {
      var words = fold(field.value).split(/\s+/).filter(Boolean);
      while (results.firstChild) results.removeChild(results.firstChild);
      if (!words.length) {
        status.textContent = "Type to search every exhibition.";
        return;
      }
      var found = [];
      for (var i = 0; i < index.length; i++) {
        var s = score(folded[i], words);
        if (s) found.push({ entry: index[i], score: s });
      }
      found.sort(function (a, b) { return b.score - a.score || (a.entry.title < b.entry.title ? -1 : 1); });
      found.slice(0, 100).forEach(function (hit) {
        var li = doc.createElement("li");
        var a = doc.createElement("a");
        a.href = hit.entry.url;
        a.textContent = hit.entry.title;
        li.appendChild(a);
        var detail = doc.createElement("span");
        detail.className = "search-detail";
        detail.textContent = [hit.entry.artists, hit.entry.exhibition].filter(Boolean).join(" · ");
        li.appendChild(detail);
        results.appendChild(li);
      });
      status.textContent = found.length === 1 ? "1 work found." : found.length + " works found.";
    };
    field.value = param("q");
    field.addEventListener("input", run);
    doc.getElementById("search").addEventListener("submit", function (event) { event.preventDefault(); run(); });
    run();
  }
})();
