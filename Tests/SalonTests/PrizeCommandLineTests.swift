import Foundation
import Testing

/// Jury to announcement, through the built binary.
@Suite struct PrizeCommandLineTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func setUp() throws {
    _ = try salon("init", "--title", "Salon", "--prize", "300")
    for n in 1...3 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.write(
      "form.csv",
      "id,title,artists,rights,authorship\n1,One,Ann & Bo,yes,yes\n2,Two <i>x</i>,Cy,yes,yes\n3,Three,Di,yes,yes\n")
    _ = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    for n in 1...3 { _ = try salon("submissions", "decide", "\(n)", "selected") }
    _ = try salon("jury", "add", "Eve")
    _ = try salon("jury", "add", "Finn")
    _ = try salon("jury", "assign")
  }

  @Test func standingsJSONHasItsDocumentedShapeAndATieSuggestsASplit() throws {
    try setUp()
    for (juror, scores) in [("eve", [("1", 9), ("2", 9), ("3", 4)]), ("finn", [("1", 8), ("2", 8), ("3", 5)])] {
      for (work, value) in scores {
        #expect(try salon("jury", "score", juror, work, "--merit", "\(value)", "--relevance", "\(value)").status == 0)
      }
    }
    let json =
      try JSONSerialization.jsonObject(with: Data(try salon("prize", "standings", "--json").stdout.utf8))
      as! [String: Any]
    #expect(Set(json.keys).isSuperset(of: ["criteria", "standings", "leaderStable"]))
    let rows = json["standings"] as! [[String: Any]]
    #expect(
      Set(rows[0].keys).isSuperset(of: [
        "id", "title", "rank", "raw", "normalized", "scores", "assigned", "spread", "flags",
      ]))
    #expect(rows.prefix(2).map { $0["rank"] as? Int } == [1, 1])
    let text = try salon("prize", "standings").stdout
    #expect(text.contains("share rank 1: `salon prize award 1 2` splits the prize, 150 USD each."))

    #expect(try salon("jury", "score", "eve", "3", "--merit", "11", "--relevance", "5").status == 1)
    #expect(try salon("jury", "score", "eve", "3", "--merit", "x").status == 64)

    let award = try salon("prize", "award", "1", "2", "--note", "Two works <b>tied</b>")
    #expect(award.status == 0)
    #expect(award.stdout.contains("Awarded 150 USD to 1 One."))
    #expect(
      try salon("jury", "score", "eve", "3", "--merit", "6", "--relevance", "6").stderr.contains("scoring is locked"))
    _ = try salon("prize", "mention", "3", "--note", "For its sound")
    let html = try salon("prize", "announce", "--format", "html").stdout
    #expect(html.contains("Two &lt;i&gt;x&lt;/i&gt;"))
    #expect(html.contains("Two works &lt;b&gt;tied&lt;/b&gt;"))
    #expect(!html.contains("Eve") && !html.contains("Finn"), "no juror in the public announcement")
    let md = try salon("prize", "announce").stdout
    #expect(md.contains("**One** by Ann & Bo — 150 USD"))
    #expect(md.contains("## Honourable mentions"))
    let csv = try salon("prize", "export-scores").stdout
    #expect(csv.hasPrefix("submission,title,juror,juror_name,criterion,raw,normalized,comment"))
    #expect(csv.contains("eve,Eve,merit,9"))
    #expect(try salon("prize", "reopen").status == 0)
    #expect(try salon("jury", "score", "eve", "3", "--merit", "6", "--relevance", "6").status == 0)
  }

  @Test func awardingWithMissingScoresNeedsForce() throws {
    try setUp()
    let refused = try salon("prize", "award", "1")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("missing scores"))
    #expect(try salon("prize", "award", "1", "--force").status == 1, "--force needs --note")
    #expect(try salon("prize", "award", "1", "--force", "--note", "jury agreed").stdout.contains("--force"))
    #expect(try salon("prize", "award", "1", "--amount", "500").status == 1)
  }
}
