#!/usr/bin/env python3
"""Debian's headless Firefox (firefox-esr) driven over WebDriver BiDi (standard library only: a
minimal WebSocket client), to check a jury room in a second browser engine:

  bidi.py room ROOM/index.html   open the room from file://, report its works, the score form the
                                 room's script built, pictures loaded, players that play; type a
                                 score with real key presses, reload, report whether it was kept
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time


class Firefox:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="salon-firefox-")
        binary = shutil.which("firefox-esr") or shutil.which("firefox") or "firefox-esr"
        self.log = open(os.path.join(self.profile, "firefox.log"), "w+")
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", self.profile, "--remote-debugging-port=0", "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT, env=dict(os.environ, MOZ_CRASHREPORTER_DISABLE="1"))
        port = None
        deadline = time.time() + 60
        while port is None and time.time() < deadline:
            self.log.seek(0)
            found = re.search(r"WebDriver BiDi listening on ws://127\.0\.0\.1:(\d+)", self.log.read())
            if found:
                port = int(found.group(1))
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.1)
        if port is None:
            self.close()
            raise RuntimeError("Firefox did not start its WebDriver BiDi server")
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.socket.sendall((f"GET /session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.socket.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("WebSocket upgrade refused: " + head.decode(errors="replace"))
        self.buffer = b""
        self.next_id = 0
        self.call("session.new", {"capabilities": {}})
        self.context = self.call("browsingContext.getTree", {})["contexts"][0]["context"]

    # WebSocket frames: client frames are masked; messages here are text, unfragmented when sent.
    def send_frame(self, payload):
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x81, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
        self.socket.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def read_exact(self, count):
        while len(self.buffer) < count:
            chunk = self.socket.recv(65536)
            if not chunk:
                raise RuntimeError("Firefox closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_message(self):
        message = b""
        while True:
            first, second = self.read_exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self.read_exact(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self.read_exact(8))[0]
            payload = self.read_exact(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("Firefox closed the session")
            if opcode in (0x1, 0x2, 0x0):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def call(self, method, params):
        self.next_id += 1
        self.send_frame(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = self.read_message()
            if message.get("id") == self.next_id:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

    def open(self, url):
        self.call("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def evaluate(self, expression):
        """The expression's value, passed through JSON.stringify inside the page."""
        result = self.call("script.evaluate", {
            "expression": f"Promise.resolve({expression}).then(function(v){{return JSON.stringify(v===undefined?null:v)}})",
            "target": {"context": self.context}, "awaitPromise": True})
        if result.get("type") == "exception":
            raise RuntimeError(json.dumps(result.get("exceptionDetails")))
        return json.loads(result["result"]["value"])

    def type_text(self, text):
        actions = []
        for ch in text:
            actions += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self.call("input.performActions", {"context": self.context, "actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def close(self):
        try:
            self.call("session.end", {})
        except Exception:
            pass
        try:
            self.process.terminate()
            self.process.wait(timeout=15)
        except Exception:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def room(page):
    browser = Firefox()
    try:
        url = "file://" + os.path.abspath(page)
        browser.open(url)
        report = browser.evaluate("""({
          userAgent: navigator.userAgent,
          works: [].slice.call(document.querySelectorAll('article.work')).map(function(a){return a.dataset.work}),
          listed: [].slice.call(document.querySelectorAll('#work-list a')).map(function(a){return a.dataset.index}),
          visible: [].slice.call(document.querySelectorAll('article.work')).filter(function(a){return !a.hidden}).length,
          inputs: document.querySelectorAll('.form input').length,
          progress: document.getElementById('progress').textContent})""")
        # Every picture, loaded eagerly (they are lazy until scrolled to).
        report["images"] = browser.evaluate("""Promise.all([].slice.call(document.images).map(function(i){i.loading='eager';
          return new Promise(function(done){var t=setTimeout(done,10000);
            if(i.complete&&i.naturalWidth>0){clearTimeout(t);return done();}
            i.addEventListener('load',function(){clearTimeout(t);done();});i.addEventListener('error',function(){clearTimeout(t);done();});});
          })).then(function(){return [].slice.call(document.images).map(function(i){return {src:i.getAttribute('src'),loaded:i.complete&&i.naturalWidth>0}})})""")
        report["players"] = browser.evaluate("""Promise.all([].slice.call(document.querySelectorAll('audio,video')).map(function(m){
          m.muted=true;
          return m.play().then(function(){return new Promise(function(done){var start=Date.now();
            (function wait(){if(m.currentTime>=0.6||m.error||m.ended||Date.now()-start>20000){done();}else{setTimeout(wait,100);}})();});})
          .then(function(){return {src:m.getAttribute('src'),currentTime:m.currentTime,error:m.error?m.error.code:null};},
                function(e){return {src:m.getAttribute('src'),currentTime:0,error:String(e)};});}))""")
        # A score typed with real key presses into the first field, then the page opened again.
        field = browser.evaluate("(function(){var i=document.querySelector('.form input');i.value='';i.focus();return i.id})()")
        browser.type_text("4")
        report["typed"] = browser.evaluate(f"document.getElementById({json.dumps(field)}).value")
        report["progressTyped"] = browser.evaluate("document.getElementById('progress').textContent")
        browser.open(url)
        report["kept"] = browser.evaluate(f"document.getElementById({json.dumps(field)}).value")
        print(json.dumps(report))
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "room":
        room(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
