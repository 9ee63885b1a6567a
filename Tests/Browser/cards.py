#!/usr/bin/env python3
"""An exhibition's audio and text cards as a visitor sees them, in headless Chromium:

  cards.py measure PAGE.html [SCREENSHOT_PREFIX]
      at 1280 x 900 and 390 x 844 CSS pixels (light and dark colour schemes), for every card:
      the box of its waveform picture (drawn size, the file the browser chose and its own size,
      whether it loaded), the words of its text card (visible ones: inside the card's box, with
      a colour and a size), and the page's sideways overflow; prints JSON. With a prefix, saves
      a PNG screenshot of each as PREFIX-WIDTH-SCHEME.png.
"""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

MEASURE = """(function(){
  function box(e){var r=e.getBoundingClientRect();return {left:r.left,top:r.top+window.scrollY,width:r.width,height:r.height};}
  return [].slice.call(document.querySelectorAll('li.card')).map(function(card){
    var out={url:card.querySelector('a').getAttribute('href'),text:card.textContent.replace(/\\s+/g,' ').trim(),card:box(card)};
    var wave=card.querySelector('.audio-card img');
    if(wave){var b=box(wave);out.waveform={width:b.width,height:b.height,loaded:wave.complete&&wave.naturalWidth>0,
      current:wave.currentSrc.split('/').pop(),naturalWidth:wave.naturalWidth,naturalHeight:wave.naturalHeight,
      filter:getComputedStyle(wave).filter,alt:wave.alt};}
    var lines=card.querySelector('.text-card-lines');
    if(lines){var s=getComputedStyle(lines),r=lines.getBoundingClientRect();
      /* The words drawn: each text node's rendered lines that lie inside the clipped box. */
      var range=document.createRange(),shown=[];
      var walker=document.createTreeWalker(lines,NodeFilter.SHOW_TEXT);
      while(walker.nextNode()){var n=walker.currentNode;
        for(var i=0;i<n.length;i++){range.setStart(n,i);range.setEnd(n,i+1);var c=range.getBoundingClientRect();
          if(c.width>0&&c.bottom<=r.bottom+1&&c.top>=r.top-1){shown.push(n.data[i]);}else if(c.width>0){shown.push('\\u0000');}}}
      out.textCard={words:shown.join('').split('\\u0000')[0],height:r.height,width:r.width,color:s.color,
        fontSize:parseFloat(s.fontSize),visibility:s.visibility,opacity:s.opacity,whiteSpace:s.whiteSpace,
        dir:lines.parentNode.getAttribute('dir')};}
    var title=card.querySelector('.text-card-title');
    if(title){out.typeCard={text:title.textContent.trim(),height:title.getBoundingClientRect().height,
      fontSize:parseFloat(getComputedStyle(title).fontSize)};}
    return out;});
})()"""


def measure(page, prefix=None):
    browser = Browser()
    results = []
    try:
        for width, height, scale, mobile in ((1280, 900, 1, False), (390, 844, 3, True)):
            for scheme in ("light", "dark"):
                browser.call("Emulation.setDeviceMetricsOverride",
                             {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
                             session=True)
                browser.call("Emulation.setEmulatedMedia",
                             {"features": [{"name": "prefers-color-scheme", "value": scheme}]}, session=True)
                browser.open("file://" + os.path.abspath(page))
                # Lazy pictures load once they are near the screen: show every card in turn.
                browser.evaluate("""new Promise(function(done){var cards=[].slice.call(document.querySelectorAll('li.card'));
                  cards.forEach(function(c){c.scrollIntoView();});window.scrollTo(0,0);
                  var imgs=[].slice.call(document.querySelectorAll('.audio-card img'));
                  Promise.all(imgs.map(function(i){return i.decode().catch(function(){});})).then(function(){done(true);});})""")
                cards = browser.evaluate(MEASURE)
                overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if prefix:
                    shot = browser.call("Page.captureScreenshot",
                                        {"format": "png", "captureBeyondViewport": True}, session=True)
                    with open(f"{prefix}-{width}-{scheme}.png", "wb") as out:
                        out.write(base64.b64decode(shot["data"]))
                results.append({"width": width, "scheme": scheme, "overflow": overflow, "cards": cards})
        print(json.dumps(results))
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else None)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
