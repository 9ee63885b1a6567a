import Foundation
import Testing

/// A juror's offline HTML sheet, filled in by typing in real headless Chromium, saved as a file,
/// and imported by the built `salon`.
@Suite(.serialized) struct BrowserSheetTests {
  let scratch = Scratch()

  @Test func aJurorFillsTheHTMLSheetInChromiumSavesItAndTheOrganiserImportsIt() throws {
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Salon", "--archive", archive]).status == 0)
    for n in 1...3 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.write(
      "form.csv",
      "id,title,artists,statement\n1,One,Ann,\"<script>window.__salonPlanted=1</script>\"\n2,Two,Bo,x\n3,Three,Cy,y\n")
    #expect(
      try Binary.run(["ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive]).status
        == 0)
    #expect(try Binary.run(["jury", "add", "Dana Juror", "--archive", archive]).status == 0)
    #expect(try Binary.run(["jury", "assign", "--archive", archive]).status == 0)
    let sheet = scratch.path("dana.html")
    #expect(
      try Binary.run(["jury", "sheet", "dana-juror", "--format", "html", "-o", sheet, "--archive", archive]).status == 0
    )
    let downloads = scratch.path("downloads")
    try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)

    let result = try Chromium.run(["sheet", sheet, downloads]) as! [String: Any]
    #expect(result["errorShown"] as? String == "Enter a whole number from 1 to 10.", "range checked as they type")
    #expect(result["invalidMarked"] as? Bool == true)
    #expect(result["status"] as? String == "3 of 3 works scored.")
    let saved = try #require(result["saved"] as? String)

    let imported = try Binary.run(["jury", "import", saved, "--archive", archive])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("3 of 3 works scored"))
    let exported = try Binary.run(["prize", "export-scores", "--format", "json", "--archive", archive])
    let scores =
      (try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as! [String: Any])["scores"]
      as! [[String: Any]]
    // The page lists works in id order: work i got merit 3 + i and relevance 4 + i.
    for (index, id) in ["1", "2", "3"].enumerated() {
      let merit = scores.first { $0["submission"] as? String == id && $0["criterion"] as? String == "merit" }
      #expect(merit?["raw"] as? Int == 3 + index)
    }
    let one = scores.first { $0["submission"] as? String == "1" }
    #expect(one?["comment"] as? String == "Typed in the browser <b>bold?</b>")

    // Saved once more for the other juror's code: refused.
    let forged = try String(contentsOfFile: saved, encoding: .utf8).replacingOccurrences(
      of: "\"juror\":\"dana-juror\"", with: "\"juror\":\"someone\"")
    scratch.write("forged.html", forged)
    #expect(try Binary.run(["jury", "import", scratch.path("forged.html"), "--archive", archive]).status == 1)
  }
}
