/* The jury room: the scoring form beside each work, one work at a time, every change kept in
   this browser (localStorage, per room), and "Save" writes the filled sheet `salon jury import`
   reads. Inlined in the page and allowed by its hash in the Content-Security-Policy. */
(function () {
  "use strict";
  var node = document.getElementById("salon-sheet-data");
  var data = JSON.parse(node.textContent);
  var articles = [].slice.call(document.querySelectorAll("article.work"));
  var links = [].slice.call(document.querySelectorAll("#work-list a"));
  var progress = document.getElementById("progress");
  var saved = document.getElementById("saved");
  // One room per juror, exhibition and issue of the sheet code.
  var storageKey = "salon-room:" + data.exhibition + ":" + data.juror + ":" + String(data.code).slice(0, 16);
  var current = 0;
  // Which part of a room in parts this page is (the works it holds name it).
  var partKey = data.works.map(function (w) { return w.id; }).join(",");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function restore() {
    var kept = stored();
    if (!kept || typeof kept.works !== "object" || kept.works === null) return;
    data.works.forEach(function (w) {
      var s = kept.works[w.id];
      if (!s || typeof s !== "object") return;
      var scores = {};
      data.criteria.forEach(function (c) {
        var v = s.scores && s.scores[c.key];
        if (typeof v === "number" && Math.floor(v) === v && v >= c.min && v <= c.max) scores[c.key] = v;
      });
      w.scores = scores;
      w.comment = typeof s.comment === "string" ? s.comment : "";
      w.forArtist = s.forArtist === true;
    });
  }

  function stored() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }

  function keep() {
    // A room in parts shares one store: each part keeps what the others wrote for their works.
    var before = stored();
    var works = before && typeof before.works === "object" && before.works !== null ? before.works : {};
    data.works.forEach(function (w) {
      works[w.id] = { scores: w.scores || {}, comment: w.comment || "", forArtist: !!w.forArtist };
    });
    var places = before && typeof before.current === "object" && before.current !== null ? before.current : {};
    places[partKey] = current;
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({ kept: new Date().toISOString(), works: works, current: places }));
    } catch (e) {
      saved.textContent = "This browser cannot keep your scores between visits, so save the filled sheet before you close it.";
    }
  }

  function isScored(w) {
    var s = w.scores || {};
    return data.criteria.every(function (c) { return s[c.key] !== undefined && s[c.key] !== ""; });
  }

  // A description shown only after scoring (the exhibition's setting): its pages appear once the
  // work is scored, and its note until then.
  function revealDescriptions() {
    data.works.forEach(function (w, i) {
      var ok = isScored(w);
      [].slice.call(document.querySelectorAll('[data-after-scoring="' + i + '"]')).forEach(function (e) {
        e.hidden = e.classList.contains("description-note") ? ok : !ok;
      });
    });
  }

  function status() {
    revealDescriptions();
    var done = 0;
    data.works.forEach(function (w, i) {
      var ok = isScored(w);
      if (ok) done++;
      if (links[i]) {
        links[i].classList.toggle("scored", ok);
        // Said by screen readers with the title (aria-description is not yet valid ARIA).
        var state = links[i].querySelector(".state") || links[i].appendChild(el("span", null, "state"));
        state.textContent = ok ? " (scored)" : " (not scored yet)";
      }
    });
    progress.textContent = done + " of " + data.works.length + " scored";
    yours();
    // In a round, the juror's own figures beside the count (never a colleague's).
    if (data.roundKind === "yes-no") {
      var yes = data.works.filter(function (w) { return (w.scores || {}).vote === 1; }).length;
      var no = data.works.filter(function (w) { return (w.scores || {}).vote === 0; }).length;
      progress.textContent += "; you said yes to " + yes + " and no to " + no;
    } else if (data.roundKind === "rating") {
      var sums = data.works.filter(isScored).map(function (w) {
        return data.criteria.reduce(function (t, c) { return t + w.scores[c.key]; }, 0) / data.criteria.length;
      });
      if (sums.length) {
        progress.textContent += "; your mean so far " +
          (sums.reduce(function (a, b) { return a + b; }, 0) / sums.length).toFixed(1);
      }
    }
  }

  // Calibration, when the room carries the whole panel's figures: the juror's own distribution,
  // each scored work's weighted mean rounded as the panel's is (or its vote).
  function yours() {
    var cells = [].slice.call(document.querySelectorAll("[data-yours]"));
    if (!cells.length) return;
    var weights = {};
    (cells[0].closest("table").dataset.weights || "").split(" ").forEach(function (pair) {
      var kv = pair.split(":");
      if (kv.length === 2) weights[kv[0]] = parseFloat(kv[1]);
    });
    var counts = {}, total = 0;
    data.works.filter(isScored).forEach(function (w) {
      var sum = 0, weight = 0;
      data.criteria.forEach(function (c) {
        var k = weights[c.key] || 1;
        sum += k * w.scores[c.key]; weight += k;
      });
      var value = sum / weight;
      var bucket = data.roundKind === "yes-no" ? (value === 1 ? "yes" : "no") : String(Math.round(value));
      counts[bucket] = (counts[bucket] || 0) + 1;
      total++;
    });
    cells.forEach(function (cell) {
      var n = counts[cell.dataset.yours] || 0;
      cell.textContent = total ? n + " (" + Math.round(100 * n / total) + "%)" : "0";
    });
  }

  function check(input, c, msg) {
    var v = input.value.trim();
    var ok = v === "" || (/^-?[0-9]+$/.test(v) && +v >= c.min && +v <= c.max);
    input.classList.toggle("invalid", !ok);
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    msg.textContent = ok ? "" : "Enter a whole number from " + c.min + " to " + c.max + ".";
    return ok;
  }

  function buildForm(w, i) {
    var holder = document.querySelector('.form[data-index="' + i + '"]');
    if (!holder) return;
    w.scores = w.scores || {};
    data.criteria.forEach(function (c) {
      var id = "w" + i + "-" + c.key;
      // A triage: two buttons, yes and no, for the vote.
      if (data.roundKind === "yes-no" && c.key === "vote") {
        var set = el("fieldset");
        set.appendChild(el("legend", c.label));
        [["yes", 1, "Yes"], ["no", 0, "No"]].forEach(function (o) {
          var r = el("input");
          r.type = "radio"; r.name = id; r.id = id + "-" + o[0]; r.value = o[1];
          if (w.scores.vote === o[1]) r.checked = true;
          r.addEventListener("change", function () { w.scores.vote = o[1]; keep(); status(); });
          var rl = el("label", o[2], "choice");
          rl.htmlFor = r.id;
          set.appendChild(r); set.appendChild(rl);
        });
        holder.appendChild(set);
        return;
      }
      var label = el("label", c.label + " (" + c.min + "–" + c.max + ")");
      label.htmlFor = id;
      var input = el("input");
      input.type = "number"; input.id = id; input.min = c.min; input.max = c.max; input.step = 1;
      input.inputMode = "numeric"; input.dataset.work = i; input.dataset.criterion = c.key;
      var v = w.scores[c.key];
      if (v !== undefined && v !== null) input.value = v;
      var msg = el("p", null, "error");
      msg.id = id + "-error";
      input.setAttribute("aria-describedby", msg.id);
      input.addEventListener("input", function () {
        if (check(input, c, msg)) {
          var t = input.value.trim();
          if (t === "") delete w.scores[c.key]; else w.scores[c.key] = parseInt(t, 10);
          keep();
        }
        status();
      });
      holder.appendChild(label); holder.appendChild(input); holder.appendChild(msg);
    });
    var cl = el("label", "Comment (optional)");
    cl.htmlFor = "w" + i + "-comment";
    var ta = el("textarea");
    ta.id = "w" + i + "-comment";
    ta.value = w.comment || "";
    ta.addEventListener("input", function () { w.comment = ta.value; keep(); });
    holder.appendChild(cl); holder.appendChild(ta);
    // In a round, the juror may let the artist read the comment (`salon prize letters`, without
    // their name). (A room without rounds keeps its form as it was.)
    if (!data.round) return;
    var fa = el("input");
    fa.type = "checkbox"; fa.id = "w" + i + "-for-artist"; fa.checked = !!w.forArtist;
    fa.addEventListener("change", function () { w.forArtist = fa.checked; keep(); });
    var fl = el("label", "Show this comment to the artist (without your name)", "choice");
    fl.htmlFor = fa.id;
    var fp = el("p");
    fp.appendChild(fa); fp.appendChild(fl);
    holder.appendChild(fp);
  }

  function show(i, focus) {
    if (!articles.length) return;
    current = Math.max(0, Math.min(articles.length - 1, i));
    articles.forEach(function (a, n) {
      a.hidden = n !== current;
      if (n !== current) [].slice.call(a.querySelectorAll("audio,video")).forEach(function (m) { m.pause(); });
    });
    links.forEach(function (l, n) {
      if (n === current) l.setAttribute("aria-current", "true"); else l.removeAttribute("aria-current");
    });
    // A long list scrolls on its own: it shows the current work without moving the page.
    var list = document.getElementById("work-list");
    if (list && links[current]) {
      var r = links[current].parentNode.getBoundingClientRect(), b = list.getBoundingClientRect();
      if (r.top < b.top) list.scrollTop += r.top - b.top;
      else if (r.bottom > b.bottom) list.scrollTop += r.bottom - b.bottom;
    }
    document.getElementById("previous").disabled = current === 0;
    document.getElementById("next").disabled = current === articles.length - 1;
    // The place is kept with the scores, not in the address: an address ending in #work-N made
    // the browser scroll past the instructions and the count when the room was opened again.
    if (focus) {
      keep();
      var heading = articles[current].querySelector("h2");
      if (heading) heading.focus();
      articles[current].scrollIntoView();
    }
  }

  // The work to show on opening: the one an address names (#work-N), else the one the juror was
  // on when they left, else the first.
  function start() {
    var m = /^#work-([0-9]+)$/.exec(window.location.hash);
    if (m) return parseInt(m[1], 10);
    var kept = stored();
    var place = kept && kept.current && kept.current[partKey];
    return typeof place === "number" && place >= 0 && place < articles.length ? place : 0;
  }

  restore();
  data.works.forEach(buildForm);
  status();
  show(start(), false);
  // The room opens at the top, on the instructions and the count, whatever the browser remembers
  // of an earlier visit; only an address naming a work (#work-N) goes straight to it.
  if (!window.location.hash) {
    if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
    window.scrollTo(0, 0);
  }

  links.forEach(function (l) {
    l.addEventListener("click", function (e) { e.preventDefault(); show(parseInt(l.dataset.index, 10), true); });
  });

  // A ranking round: the list of works is the juror's ranking, best first. A work moves with its
  // Up and Down buttons (touch, mouse) or Alt+Up and Alt+Down on its link (keyboard); each work's
  // rank is its place, and its rank field follows.
  var list = document.getElementById("work-list");
  if (data.roundKind === "ranking" && list) {
    var rerank = function () {
      [].slice.call(list.children).forEach(function (li, pos) {
        var i = parseInt(li.dataset.index, 10);
        data.works[i].scores.rank = pos + 1;
        var field = document.getElementById("w" + i + "-rank");
        if (field) { field.value = pos + 1; field.classList.remove("invalid"); }
      });
      keep();
      status();
    };
    var move = function (li, step) {
      var other = step < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (step < 0) list.insertBefore(li, other); else list.insertBefore(other, li);
      rerank();
      li.querySelector("a").focus();
      var w = data.works[parseInt(li.dataset.index, 10)];
      saved.textContent = w.title + " is now rank " + w.scores.rank + ".";
    };
    links.forEach(function (l) {
      var li = l.parentNode;
      li.dataset.index = l.dataset.index;
      [["up", -1, "Up"], ["down", 1, "Down"]].forEach(function (o) {
        var b = el("button", o[2], "move");
        b.type = "button"; b.id = "move-" + o[0] + "-" + l.dataset.index;
        b.setAttribute("aria-label", "Move " + l.textContent.replace(/ \((not )?scored( yet)?\)$/, "") + " " + o[0]);
        b.addEventListener("click", function () { move(li, o[1]); });
        li.appendChild(b);
      });
      l.addEventListener("keydown", function (e) {
        if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
          e.preventDefault();
          move(li, e.key === "ArrowUp" ? -1 : 1);
        }
      });
    });
    // Ranked before: in that order.
    [].slice.call(list.children).sort(function (x, y) {
      var rx = data.works[parseInt(x.dataset.index, 10)].scores.rank || 1e9;
      var ry = data.works[parseInt(y.dataset.index, 10)].scores.rank || 1e9;
      return rx - ry || parseInt(x.dataset.index, 10) - parseInt(y.dataset.index, 10);
    }).forEach(function (li) { list.appendChild(li); });
    var keepOrder = el("button", "Rank in this order");
    keepOrder.type = "button"; keepOrder.id = "rank-in-order";
    keepOrder.addEventListener("click", rerank);
    list.parentNode.appendChild(keepOrder);
  }
  document.getElementById("previous").addEventListener("click", function () { show(current - 1, true); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1, true); });
  document.addEventListener("keydown", function (e) {
    var inField = /^(INPUT|TEXTAREA|SELECT)$/.test((e.target && e.target.tagName) || "");
    if (e.altKey && e.key === "PageDown") { e.preventDefault(); show(current + 1, true); }
    else if (e.altKey && e.key === "PageUp") { e.preventDefault(); show(current - 1, true); }
    else if (!inField && !e.altKey && !e.ctrlKey && !e.metaKey && e.key === "ArrowRight") { show(current + 1, true); }
    else if (!inField && !e.altKey && !e.ctrlKey && !e.metaKey && e.key === "ArrowLeft") { show(current - 1, true); }
  });

  // A full-screen view of every picture and page.
  [].slice.call(document.querySelectorAll("figure.zoomable")).forEach(function (figure) {
    if (!figure.requestFullscreen) return;
    var b = el("button", "View full screen", "zoom");
    b.type = "button";
    b.addEventListener("click", function () { figure.requestFullscreen(); });
    figure.appendChild(b);
  });

  document.getElementById("save").addEventListener("click", function () {
    var bad = document.querySelector(".invalid");
    if (bad) {
      show(parseInt(bad.dataset.work, 10), false);
      bad.focus();
      saved.textContent = "Some scores are out of range; please fix them before saving.";
      return;
    }
    var json = JSON.stringify(data).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
    var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Filled scoring sheet<\/title><\/head>\n" +
      "<body><p>A filled Salon scoring sheet: send this file to the organisers, who import it with salon jury import.<\/p>\n" +
      "<script type=\"application/json\" id=\"salon-sheet-data\">" + json + "<\/script>\n<\/body>\n<\/html>\n";
    var blob = new Blob([html], { type: "text/html" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "salon-sheet-" + data.juror + "-filled.html";
    document.body.appendChild(link); link.click(); link.remove();
    saved.textContent = "Saved " + link.download + " to your downloads folder: send that file to the organisers by email.";
  });
})();
