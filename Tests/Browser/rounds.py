#!/usr/bin/env python3
"""A juror ranks the works of a ranking round on their HTML sheet in headless Chromium:

  rounds.py rank SHEET.html DOWNLOAD_DIR   move the last work to the top with Alt+Up (keyboard),
                                           then the first work one down with its button (touch, mouse), save,
                                           print the order and the saved file as JSON
  rounds.py vote SHEET.html DOWNLOAD_DIR   choose yes for the first work and no for the others
                                           by clicking, save, print JSON
  rounds.py roomrank ROOM/index.html DOWNLOAD_DIR
                                           in a ranking round's jury room, take the last work to
                                           the top with Alt+Up, the first one down with its button,
                                           save, print the order, the rank fields and the file
  rounds.py roomvote ROOM/index.html DOWNLOAD_DIR
                                           in a triage's jury room, press yes on the first work,
                                           write a comment for the artist, save, print the
                                           room's progress line and the file
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402


def alt_arrow(browser, key):
    code = {"ArrowUp": 38, "ArrowDown": 40}[key]
    for kind in ("rawKeyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent",
                     {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": 1},
                     session=True)


def saved_file(browser, downloads):
    browser.click("#save")
    browser.wait_for("Browser.downloadProgress", timeout=20, predicate=lambda p: p.get("state") == "completed")
    for _ in range(50):
        names = [n for n in os.listdir(downloads) if not n.endswith(".crdownload")]
        if names:
            return os.path.join(downloads, names[0])
        time.sleep(0.1)
    return None


ORDER = "Array.prototype.map.call(document.querySelectorAll('article'),function(a){return JSON.parse(document.getElementById('salon-sheet-data').textContent).works[+a.dataset.index].id})"


def rank(sheet, downloads):
    browser = Browser()
    try:
        browser.call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads, "eventsEnabled": True})
        browser.open("file://" + os.path.abspath(sheet))
        before = browser.evaluate(ORDER)
        last = browser.evaluate("document.querySelectorAll('article').length") - 1
        browser.evaluate(f"document.getElementById('work-{last}').focus()")
        for _ in range(last):
            alt_arrow(browser, "ArrowUp")
        focused = browser.evaluate("document.activeElement.id")
        keyboard = browser.evaluate(ORDER)
        browser.click("#w0-down")
        after = browser.evaluate(ORDER)
        ranks = browser.evaluate("Array.prototype.map.call(document.querySelectorAll('article p[id$=\"-rank\"]'),function(p){return p.textContent})")
        status = browser.evaluate("document.getElementById('status').textContent")
        print(json.dumps({"before": before, "keyboard": keyboard, "focused": focused, "after": after,
                          "ranks": ranks, "status": status, "saved": saved_file(browser, downloads)}))
    finally:
        browser.close()


def vote(sheet, downloads):
    browser = Browser()
    try:
        browser.call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads, "eventsEnabled": True})
        browser.open("file://" + os.path.abspath(sheet))
        works = browser.evaluate("document.querySelectorAll('article').length")
        for i in range(works):
            browser.click(f"#w{i}-vote-{'yes' if i == 0 else 'no'}")
        status = browser.evaluate("document.getElementById('status').textContent")
        print(json.dumps({"works": works, "status": status, "saved": saved_file(browser, downloads)}))
    finally:
        browser.close()


ROOM_ORDER = "Array.prototype.map.call(document.querySelectorAll('#work-list li'),function(li){return JSON.parse(document.getElementById('salon-sheet-data').textContent).works[+li.dataset.index].id})"


def roomrank(page, downloads):
    browser = Browser()
    try:
        browser.call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads, "eventsEnabled": True})
        browser.open("file://" + os.path.abspath(page))
        before = browser.evaluate(ROOM_ORDER)
        last = len(before) - 1
        browser.evaluate(f"document.querySelector('#work-list a[data-index=\"{last}\"]').focus()")
        for _ in range(last):
            alt_arrow(browser, "ArrowUp")
        keyboard = browser.evaluate(ROOM_ORDER)
        focused = browser.evaluate("document.activeElement.dataset.index")
        browser.click("#move-down-0")
        after = browser.evaluate(ROOM_ORDER)
        fields = browser.evaluate(f"[0,1,2].slice(0,{last + 1}).map(function(i){{return document.getElementById('w'+i+'-rank').value}})")
        progress = browser.evaluate("document.getElementById('progress').textContent")
        print(json.dumps({"before": before, "keyboard": keyboard, "focused": focused, "after": after,
                          "fields": fields, "progress": progress, "saved": saved_file(browser, downloads)}))
    finally:
        browser.close()


def roomvote(page, downloads):
    browser = Browser()
    try:
        browser.call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads, "eventsEnabled": True})
        browser.open("file://" + os.path.abspath(page))
        browser.click("#w0-vote-yes")
        browser.type_into("#w0-comment", "A strong <i>first</i> image")
        browser.click("#w0-for-artist")
        progress = browser.evaluate("document.getElementById('progress').textContent")
        print(json.dumps({"progress": progress, "saved": saved_file(browser, downloads)}))
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "rank":
        rank(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "vote":
        vote(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "roomrank":
        roomrank(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "roomvote":
        roomvote(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
