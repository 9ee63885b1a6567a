import Basics
import Catalog
import Foundation
import Hashing

extension Jury {
  /// A self-contained offline page: no network, works from a file. The juror fills it in, range
  /// checks run as they type, and "Save" downloads the filled page, which `jury import` reads.
  /// - Parameter preview: a `data:` URI with a small preview of a work, if it has one.
  package func htmlSheet(for juror: Juror, showArtists: Bool, preview: (Work) -> String?) throws -> String {
    let json = try sheetDataJSON(for: juror, showArtists: showArtists, preview: preview)
    let csp =
      "default-src 'none'; img-src data:; style-src 'sha256-\(try sha256Base64(Self.sheetStyle))'; script-src 'sha256-\(try sha256Base64(Self.sheetScript))'; base-uri 'none'; form-action 'none'"
    let round = try workingRound()
    let roundTitle = round.map { " — round \($0.record.name) (\($0.record.kind.rawValue))" } ?? ""
    let plainTitle = "Scoring sheet — \(exhibition.title)\(roundTitle) — \(juror.name)"
    let title = HTMLText.escape(plainTitle)
    let start = HTMLText.pageStart(title: plainTitle, csp: csp, head: ["<style>\(Self.sheetStyle)</style>"])
    return """
      \(start)
      <header>
      <h1>\(title)</h1>
      <p>Score each work on every criterion with a whole number, add a comment if you wish, then press
      <strong>Save filled sheet</strong> and send the saved file back to the organisers. Nothing is sent
      anywhere from this page; it works offline.</p>
      <p id="status" role="status" aria-live="polite"></p>
      </header>
      <main id="works"></main>
      <footer><button type="button" id="save">Save filled sheet</button></footer>
      <script type="application/json" id="salon-sheet-data">\(json)</script>
      <script>\(Self.sheetScript)</script>
      </body>
      </html>

      """
  }

  /// The sheet's data block as JSON safe inside a `<script>` element: what `jury import` reads
  /// back from a saved page (the HTML sheet's and the jury room's).
  /// `works`: the works the page holds (a jury room in parts holds some of the juror's), in order;
  /// by default all of the juror's.
  package func sheetDataJSON(
    for juror: Juror, showArtists: Bool, works pageWorks: [Work]? = nil, preview: (Work) -> String? = { _ in nil }
  ) throws -> String {
    let round = try workingRound()
    let criteria = try sheetCriteria(for: juror, round: round)
    let scores = Dictionary(
      try currentScores().filter { $0.pair.juror == juror.rowID }.map { ($0.pair.work, $0) },
      uniquingKeysWith: { a, _ in a })
    let works = try (pageWorks ?? assignedWorks(juror)).map { work -> HTMLSheetData.WorkData in
      let d = work.declarations
      let current = scores[work.rowID]
      return HTMLSheetData.WorkData(
        id: work.id, title: work.title, medium: d.medium, artists: showArtists ? d.artists : nil,
        statement: d.statement,
        aiUse: d.aiUse.rawValue, aiStatement: d.aiStatement, preview: preview(work).flatMap(Self.safeDataURI),
        scores: current.map { $0.values.mapValues { HTMLSheetData.Cell.integer($0) } }, comment: current?.comment,
        revision: try revisionToken(juror: juror, work: work.id, revision: current?.revision ?? 0))
    }
    let data = HTMLSheetData(
      format: Self.sheetFormat, version: 1, exhibition: exhibition.slug, exhibitionTitle: exhibition.title,
      juror: juror.id, jurorName: juror.name, code: try sheetCode(for: juror, round: round),
      criteria: criteria.map { .init(key: $0.key, label: $0.label, min: $0.scaleMin, max: $0.scaleMax) }, works: works,
      round: round?.record.name, roundKind: round?.record.kind.rawValue)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return HTMLText.scriptSafeJSON(String(decoding: try encoder.encode(data), as: UTF8.self))
  }

  /// Only image data URIs reach the page.
  static func safeDataURI(_ uri: String) -> String? {
    let allowed = ["data:image/jpeg;base64,", "data:image/png;base64,", "data:image/webp;base64,"]
    return allowed.contains(where: uri.hasPrefix) ? uri : nil
  }

  static let sheetStyle = """
    :root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
    body{max-width:60rem;margin:0 auto;padding:1rem}
    article{border:1px solid #8888;border-radius:.5rem;padding:1rem;margin:1rem 0;display:grid;gap:.5rem}
    article img{max-width:16rem;height:auto;border-radius:.25rem}
    label{display:block;font-weight:600}
    input{font-size:1.1rem;width:5rem}
    textarea{width:100%;min-height:4rem;font:inherit}
    input:focus,textarea:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px}
    .invalid{outline:3px solid #c01c28}
    .error{color:#c01c28;font-weight:600;min-height:1.5em}
    button{font-size:1.1rem;padding:.5rem 1rem}
    .meta{color:inherit;opacity:.85}
    .choice{display:inline-block;margin:0 1.5rem 0 .25rem;font-weight:400}
    fieldset{border:0;padding:0;margin:0}
    article[tabindex]:focus{outline:3px solid #1a5fb4;outline-offset:2px}
    """

  static let sheetScript = """
    (function(){
    "use strict";
    var node=document.getElementById("salon-sheet-data");
    var data=JSON.parse(node.textContent);
    var main=document.getElementById("works");
    function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e;}
    function check(input,c,msg){
      var v=input.value.trim();
      var ok=v===""||(/^-?[0-9]+$/.test(v)&&+v>=c.min&&+v<=c.max);
      input.classList.toggle("invalid",!ok);
      input.setAttribute("aria-invalid",ok?"false":"true");
      msg.textContent=ok?"":"Enter a whole number from "+c.min+" to "+c.max+".";
      return ok;
    }
    function status(){
      var done=0;
      data.works.forEach(function(w){var s=w.scores||{};if(data.criteria.every(function(c){return s[c.key]!==undefined&&s[c.key]!==""}))done++;});
      document.getElementById("status").textContent=done+" of "+data.works.length+" works scored.";
    }
    var kind=data.roundKind||"";
    // A ranking round: the works in the juror's order, moved by buttons (touch, mouse) or by
    // Alt+Up and Alt+Down on a focused work (keyboard); each one's rank is its place.
    function rerank(){
      var list=main.querySelectorAll("article");
      list.forEach(function(art,pos){data.works[+art.dataset.index].scores.rank=pos+1;
        document.getElementById("w"+art.dataset.index+"-rank").textContent="Rank "+(pos+1)+" of "+list.length;});
      status();
    }
    function move(art,step){
      var other=step<0?art.previousElementSibling:art.nextElementSibling;
      if(!other)return;
      if(step<0)main.insertBefore(art,other);else main.insertBefore(other,art);
      rerank();art.focus();
      document.getElementById("status").textContent+=" "+data.works[+art.dataset.index].title+" is now rank "+data.works[+art.dataset.index].scores.rank+".";
    }
    data.works.forEach(function(w,i){
      w.scores=w.scores||{};
      var a=el("article");a.id="work-"+i;a.dataset.index=i;
      a.appendChild(el("h2",w.title));
      if(w.artists)a.appendChild(el("p","By "+w.artists,"meta"));
      if(w.medium)a.appendChild(el("p","Medium: "+w.medium,"meta"));
      if(w.preview&&/^data:image\\/(jpeg|png|webp);base64,/.test(w.preview)){var img=el("img");img.src=w.preview;img.alt="Preview of "+w.title;a.appendChild(img);}
      if(w.statement)a.appendChild(el("p",w.statement));
      if(w.aiStatement||w.aiUse){var ai={none:"Made without AI",assisted:"Made with AI assistance",generated:"AI-generated"}[w.aiUse]||"AI use not declared";a.appendChild(el("p",ai+(w.aiStatement?": "+w.aiStatement:"."),"meta"));}
      data.criteria.forEach(function(c){
        var id="w"+i+"-"+c.key;
        if(kind==="yes-no"&&c.key==="vote"){
          var f=el("fieldset");f.appendChild(el("legend",c.label,"label"));
          [["yes",1,"Yes"],["no",0,"No"]].forEach(function(o){
            var r=el("input");r.type="radio";r.name=id;r.id=id+"-"+o[0];r.value=o[1];
            if(w.scores.vote===o[1])r.checked=true;
            r.addEventListener("change",function(){w.scores.vote=o[1];status();});
            var rl=el("label",o[2],"choice");rl.htmlFor=r.id;f.appendChild(r);f.appendChild(rl);
          });
          a.appendChild(f);return;
        }
        if(kind==="ranking"&&c.key==="rank"){
          a.tabIndex=0;a.setAttribute("aria-describedby","rank-help");
          var place=el("p",w.scores.rank?"Rank "+w.scores.rank+" of "+data.works.length:"Not ranked yet","meta");place.id=id;
          var up=el("button","Move up");up.type="button";up.id="w"+i+"-up";
          var down=el("button","Move down");down.type="button";down.id="w"+i+"-down";
          up.addEventListener("click",function(){move(a,-1);});
          down.addEventListener("click",function(){move(a,1);});
          a.addEventListener("keydown",function(e){
            if(e.target===a&&e.altKey&&(e.key==="ArrowUp"||e.key==="ArrowDown")){e.preventDefault();move(a,e.key==="ArrowUp"?-1:1);}
          });
          a.appendChild(place);a.appendChild(up);a.appendChild(down);return;
        }
        var l=el("label",c.label+" ("+c.min+"–"+c.max+")");l.htmlFor=id;
        var input=el("input");input.type="number";input.id=id;input.min=c.min;input.max=c.max;input.step=1;
        input.inputMode="numeric";input.dataset.work=i;input.dataset.criterion=c.key;
        var v=w.scores[c.key];if(v!==undefined&&v!==null)input.value=v;
        var msg=el("p",null,"error");msg.id=id+"-error";input.setAttribute("aria-describedby",msg.id);
        input.addEventListener("input",function(){if(check(input,c,msg)){var t=input.value.trim();if(t==="")delete w.scores[c.key];else w.scores[c.key]=parseInt(t,10);}status();});
        a.appendChild(l);a.appendChild(input);a.appendChild(msg);
      });
      var cl=el("label","Comment (optional)");cl.htmlFor="w"+i+"-comment";
      var ta=el("textarea");ta.id="w"+i+"-comment";ta.value=w.comment||"";
      ta.addEventListener("input",function(){w.comment=ta.value;});
      a.appendChild(cl);a.appendChild(ta);
      if(data.round){var fa=el("input");fa.type="checkbox";fa.id="w"+i+"-for-artist";fa.checked=!!w.forArtist;
      fa.addEventListener("change",function(){w.forArtist=fa.checked;});
      var fl=el("label","Show this comment to the artist (without your name)","choice");fl.htmlFor=fa.id;
      var fp=el("p");fp.appendChild(fa);fp.appendChild(fl);a.appendChild(fp);}
      main.appendChild(a);
    });
    if(kind==="ranking"){
      // Ranked before: in that order.
      Array.prototype.slice.call(main.querySelectorAll("article")).sort(function(x,y){
        var rx=data.works[+x.dataset.index].scores.rank||1e9,ry=data.works[+y.dataset.index].scores.rank||1e9;
        return rx-ry||(+x.dataset.index)-(+y.dataset.index);
      }).forEach(function(art){main.appendChild(art);});
      if(!document.getElementById("rank-help")){
        var help=el("p","Order the works from the best (top) to the last: Move up and Move down, or Alt+Up and Alt+Down on a focused work. The order is your ranking.");
        help.id="rank-help";main.parentNode.insertBefore(help,main);
        var keep=el("button","Rank in this order");keep.type="button";keep.id="rank-confirm";
        main.parentNode.insertBefore(keep,main);
      }
      document.getElementById("rank-confirm").addEventListener("click",rerank);
    }
    status();
    document.getElementById("save").addEventListener("click",function(){
      var bad=document.querySelectorAll(".invalid");
      if(bad.length){bad[0].focus();document.getElementById("status").textContent="Some scores are out of range; please fix them before saving.";return;}
      var json=JSON.stringify(data).replace(/</g,"\\\\u003c").replace(/>/g,"\\\\u003e").replace(/&/g,"\\\\u0026");
      node.textContent=json;
      var clone=document.documentElement.cloneNode(true);
      clone.querySelector("#works").textContent="";
      clone.querySelector("#status").textContent="";
      var html="<!DOCTYPE html>\\n"+clone.outerHTML;
      var blob=new Blob([html],{type:"text/html"});
      var link=document.createElement("a");
      link.href=URL.createObjectURL(blob);
      link.download="salon-sheet-"+data.juror+"-filled.html";
      document.body.appendChild(link);link.click();link.remove();
      document.getElementById("status").textContent="Saved as "+link.download+". Send that file to the organisers.";
    });
    })();
    """
}
