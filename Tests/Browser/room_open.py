#!/usr/bin/env python3
"""How a jury room opens, in headless Chromium (DevTools protocol) or Firefox (WebDriver BiDi):

  room_open.py chromium|firefox ROOM/index.html WIDTH HEIGHT
      open the room from file:// in a WIDTH x HEIGHT window; report where the page is scrolled
      right after loading and a moment later (pictures loaded), where the instructions and the
      "N of M scored" line lie, and every item of the list of works with its box (and whether its
      number is drawn inside it); then go to the third work from the list, reload the page and
      report the same (a juror coming back), printing JSON
  room_open.py reveal ROOM/index.html
      in Chromium, in a room whose descriptions show after scoring: which works' descriptions
      are shown, type a score for every criterion of the first work, report again and whether the
      pages shown loaded, printing JSON
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MEASURE = """(function(){
  function box(e){if(!e)return null;var r=e.getBoundingClientRect();
    return {left:r.left,top:r.top+window.scrollY,right:r.right,bottom:r.bottom+window.scrollY,width:r.width,height:r.height};}
  var items=[].slice.call(document.querySelectorAll('#work-list li')).map(function(li){
    var s=getComputedStyle(li);var a=li.querySelector('a');
    return {box:box(li),link:box(a),title:a.textContent,
      numberInside:s.listStyleType==='none'||s.listStylePosition==='inside',
      number:getComputedStyle(li,'::before').content};});
  var current=document.querySelector('#work-list a[aria-current]');
  return {scrollY:window.scrollY,innerWidth:window.innerWidth,innerHeight:window.innerHeight,
    scrollWidth:document.documentElement.scrollWidth,hash:location.hash,
    instructions:box(document.querySelector('.room-header p')),progress:box(document.getElementById('progress')),
    progressText:document.getElementById('progress').textContent,
    descriptions:(document.querySelector('.room-header .descriptions')||{}).textContent||null,
    current:current?current.dataset.index:null,items:items};
})()"""

SETTLE = """new Promise(function(done){var imgs=[].slice.call(document.images).filter(function(i){return !i.closest('[hidden]')});
  var t=setTimeout(done,4000),left=imgs.length;if(!left){clearTimeout(t);return setTimeout(done,300);}
  imgs.forEach(function(i){if(i.complete){if(--left===0){clearTimeout(t);setTimeout(done,300);}}
    else{var f=function(){if(--left===0){clearTimeout(t);setTimeout(done,300);}};i.addEventListener('load',f);i.addEventListener('error',f);}});})"""

GO_THIRD = "(function(){var a=document.querySelector('#work-list a[data-index=\"2\"]');a.click();return window.scrollY})()"


def measure(evaluate):
    first = evaluate(MEASURE)
    evaluate(SETTLE)
    settled = evaluate(MEASURE)
    return first, settled


def chromium(url, width, height):
    from cdp import Browser
    browser = Browser()
    try:
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=True)
        browser.open(url)
        first, settled = measure(browser.evaluate)
        went = browser.evaluate(GO_THIRD)
        # The juror reloads the page (F5), scrolled down on the third work.
        browser.events.clear()
        browser.call("Page.reload", {}, session=True)
        browser.wait_for("Page.loadEventFired")
        again_first, again = measure(browser.evaluate)
        return {"browser": "chromium", "first": first, "settled": settled, "scrolledToThird": went,
                "againFirst": again_first, "again": again}
    finally:
        browser.close()


def firefox(url, width, height):
    from bidi import Firefox
    browser = Firefox()
    try:
        browser.call("browsingContext.setViewport",
                     {"context": browser.context, "viewport": {"width": width, "height": height}, "devicePixelRatio": 1})
        browser.open(url)
        first, settled = measure(browser.evaluate)
        went = browser.evaluate(GO_THIRD)
        browser.call("browsingContext.reload", {"context": browser.context, "wait": "complete"})
        again_first, again = measure(browser.evaluate)
        return {"browser": browser.evaluate("navigator.userAgent"), "first": first, "settled": settled,
                "scrolledToThird": went, "againFirst": again_first, "again": again}
    finally:
        browser.close()


SHOWN = "[].slice.call(document.querySelectorAll('section.description')).map(function(s){return !s.hidden})"
NOTE = "(function(){var n=document.querySelector('.description-note');return !!n&&!n.hidden})()"


def reveal(url):
    from cdp import Browser
    browser = Browser()
    try:
        browser.open(url)
        report = {"before": browser.evaluate(SHOWN), "noteBefore": browser.evaluate(NOTE)}
        keys = browser.evaluate("JSON.parse(document.getElementById('salon-sheet-data').textContent).criteria.map(function(c){return c.key})")
        for key in keys:
            browser.type_into(f"#w0-{key}", "5")
        report["after"] = browser.evaluate(SHOWN)
        report["noteAfter"] = browser.evaluate(NOTE)
        # Pictures load lazily as the juror scrolls: these are loaded now to check each one.
        browser.evaluate("[].slice.call(document.querySelectorAll('section.description img')).forEach(function(i){i.loading='eager'})")
        browser.evaluate(SETTLE)
        report["loaded"] = browser.evaluate("""(function(){var i=[].slice.call(document.querySelectorAll('section.description:not([hidden]) img'));
          return i.length>0&&i.every(function(x){return x.complete&&x.naturalWidth>0})})()""")
        print(json.dumps(report))
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "reveal":
        reveal("file://" + os.path.abspath(sys.argv[2]))
    elif len(sys.argv) == 5 and sys.argv[1] in ("chromium", "firefox"):
        url = "file://" + os.path.abspath(sys.argv[2])
        run = chromium if sys.argv[1] == "chromium" else firefox
        print(json.dumps(run(url, int(sys.argv[3]), int(sys.argv[4]))))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
