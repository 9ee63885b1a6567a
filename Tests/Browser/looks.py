#!/usr/bin/env python3
"""How the gallery looks, measured in Debian's headless Chromium at a given window size:

  looks.py measure WIDTH HEIGHT PAGE.html [PAGE.html...]
      for each page, at device-pixel ratio 1 and scrolled to the top: the site title, the page's
      visible text, the home page's covers (picture or title set in type, drawn size), every
      picture and player of a work page (drawn width against its own pixel width, bottom edge
      against the window's height), every card's height against its height when nothing may
      stretch it, and whether the page scrolls sideways
  looks.py shot WIDTH HEIGHT PAGE.html OUT.png [full]
      a screenshot of the page (the first screen, or the whole page with full)
"""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

# Waits for every picture to decode and every player to know its video's size (or fail), so
# what is measured is what a visitor sees once the page has settled.
SETTLE = """new Promise(function(done){var start=Date.now();(function wait(){
  var imgs=[].slice.call(document.images).filter(function(i){return !i.complete;});
  var vids=[].slice.call(document.querySelectorAll('video')).filter(function(v){
    if(v.preload==='none'&&v.readyState===0){v.preload='metadata';v.load();}
    return v.readyState<1&&!v.error;});
  if((imgs.length===0&&vids.length===0)||Date.now()-start>15000){done(true);}else{setTimeout(wait,50);}})();})"""

MEASURE = """(function(){
  function box(e){var r=e.getBoundingClientRect();return {left:r.left,top:r.top,width:r.width,height:r.height,bottom:r.bottom};}
  var title=document.querySelector('.site-title');
  var covers=[].slice.call(document.querySelectorAll('.cover')).map(function(c){
    var img=c.querySelector('img');var type=c.querySelector('.cover-type');
    return {title:(c.querySelector('.cover-title')||{}).textContent||'',
      picture:img?{src:img.currentSrc||img.src,box:box(img),naturalWidth:img.naturalWidth,complete:img.complete}:null,
      type:type?{text:type.textContent,box:box(type),fontSize:parseFloat(getComputedStyle(type).fontSize)}:null};});
  var media=[].slice.call(document.querySelectorAll('article.work .media video, article.work .media img, article.work .media audio')).map(function(e){
    var tag=e.tagName.toLowerCase();
    var own=tag==='video'?e.videoWidth:(tag==='img'?parseInt(e.getAttribute('width')||'0',10):0);
    return {tag:tag,cls:e.className,src:e.currentSrc||e.src||'',box:box(e),ownWidth:own,
      ownHeight:tag==='video'?e.videoHeight:parseInt(e.getAttribute('height')||'0',10),
      controls:!!e.controls,autoplay:!!e.autoplay,error:!!(e.error)};});
  var cards=[].slice.call(document.querySelectorAll('.card')).map(function(c){return {height:c.getBoundingClientRect().height,top:c.getBoundingClientRect().top};});
  var cardsFree=[];
  if(cards.length){
    var all=[].slice.call(document.querySelectorAll('.card'));
    all.forEach(function(c){c.style.alignSelf='start';});
    cardsFree=all.map(function(c){return c.getBoundingClientRect().height;});
    all.forEach(function(c){c.style.alignSelf='';});
  }
  var columns=[].slice.call(document.querySelectorAll('article.work .media > *')).map(function(e){return box(e).width;});
  return {title:title?title.textContent.trim():null,h1:(document.querySelector('h1')||{}).textContent||'',
    text:document.body.innerText,covers:covers,media:media,cards:cards,cardsFree:cardsFree,
    mediaColumn:(document.querySelector('article.work .media')||{getBoundingClientRect:function(){return {width:0};}}).getBoundingClientRect().width,
    columns:columns,viewport:{width:window.innerWidth,height:window.innerHeight},
    scrollWidth:document.documentElement.scrollWidth,
    links:[].slice.call(document.querySelectorAll('a[href]')).map(function(a){return a.getAttribute('href');})};
})()"""


def sized(browser, width, height):
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=True)


def measure(width, height, pages):
    browser = Browser()
    report = []
    try:
        sized(browser, width, height)
        for page in pages:
            browser.open("file://" + os.path.abspath(page))
            browser.evaluate(SETTLE)
            browser.evaluate("window.scrollTo(0,0)")
            result = browser.evaluate(MEASURE)
            result["page"] = page
            report.append(result)
        print(json.dumps(report))
    finally:
        browser.close()


def shot(width, height, page, out, full=False):
    browser = Browser()
    try:
        sized(browser, width, height)
        browser.open("file://" + os.path.abspath(page) if "://" not in page else page)
        browser.evaluate(SETTLE)
        params = {"format": "png"}
        if full:
            size = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update({"captureBeyondViewport": True,
                           "clip": {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 6000), "scale": 1}})
        data = browser.call("Page.captureScreenshot", params, session=True)["data"]
        with open(out, "wb") as f:
            f.write(base64.b64decode(data))
        print(json.dumps({"page": page, "out": out}))
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "measure":
        measure(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "shot":
        shot(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], len(sys.argv) == 7)
    else:
        sys.stderr.write(__doc__)
        sys.exit(64)
