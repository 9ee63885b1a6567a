import Foundation
import Testing

/// `submissions decide` for a large call: many ids at once, every accepted work, or a CSV, all
/// recorded or none; and a warning when a selected work cannot be published.
@Suite struct DecisionBatchTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_arguments: [String]) throws -> SalonRun { try Binary.run(_arguments + ["--archive", archive]) }
  func salon(_ arguments: String...) throws -> SalonRun { try salon(_arguments: arguments) }

  /// Works 1 and 2 publishable once selected, 3 without an authorship answer, 4 rejected.
  func receive() throws {
    #expect(try Binary.run(["init", "--title", "Salon", "--archive", archive]).status == 0)
    for n in 1...3 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.zip("in/4.zip", [("w4_main.png", Parts.image)])
    let form = scratch.write(
      "form.csv", "id,title,rights,authorship\n1,One,yes,yes\n2,Two,yes,yes\n3,Three,yes,\n4,Four,yes,yes\n")
    #expect(try salon("ingest", scratch.path("in"), "--form", form).status == 0)
  }

  /// Each submission's latest decision, from `submissions list --json`.
  func decisions() throws -> [String: String] {
    let run = try salon("submissions", "list", "--json")
    #expect(run.status == 0, "\(run.stderr)")
    let list = try Binary.json(run) as! [[String: Any]]
    return list.reduce(into: [:]) { $0[$1["id"] as! String] = $1["decision"] as? String ?? "-" }
  }

  @Test func decidesSeveralIdsAtOnce() throws {
    try receive()
    let run = try salon("submissions", "decide", "1", "2", "selected", "--note", "Strong")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Recorded: 2 selected, 0 declined."))
    #expect(run.stderr.isEmpty, "no progress line in a pipe")
    #expect(try decisions() == ["1": "selected", "2": "selected", "3": "-", "4": "-"])
    #expect(try salon("submissions", "show", "2").stdout.contains("Decision: selected (Strong)"))
    #expect(try salon("submissions", "decide", "3", "declined").stdout.contains("Recorded: submission 3 is declined."))
  }

  @Test func anUnknownOrRejectedIdAmongSeveralRecordsNothing() throws {
    try receive()
    let unknown = try salon("submissions", "decide", "1", "99", "selected")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("There is no submission \"99\""))
    #expect(unknown.stderr.contains("Nothing was recorded"))
    let rejected = try salon("submissions", "decide", "1", "4", "selected")
    #expect(rejected.status == 1)
    #expect(rejected.stderr.contains("\"4\" was rejected at ingest"))
    #expect(try decisions() == ["1": "-", "2": "-", "3": "-", "4": "-"])
  }

  @Test func allAcceptedSelectsEveryAcceptedWorkNotYetDecided() throws {
    try receive()
    #expect(try salon("submissions", "decide", "2", "declined").status == 0)
    let run = try salon("submissions", "decide", "--all-accepted")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Recorded: 2 selected, 0 declined; 1 accepted submission was already decided"))
    #expect(try decisions() == ["1": "selected", "2": "declined", "3": "selected", "4": "-"])
    #expect(try salon("submissions", "decide", "1", "--all-accepted").status == 64, "ids and --all-accepted")
  }

  @Test func aCSVOfDecisionsIsRecordedWhole() throws {
    try receive()
    let csv = scratch.write("decisions.csv", "ID,Decision,Note\n1,selected,Lovely\r\n2, Declined ,\n\n3,selected\n")
    let run = try salon("submissions", "decide", "--csv", csv)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Recorded: 2 selected, 1 declined."))
    #expect(try decisions() == ["1": "selected", "2": "declined", "3": "selected", "4": "-"])
    #expect(try salon("submissions", "show", "1").stdout.contains("Decision: selected (Lovely)"))
  }

  @Test func aCSVWithABadRowIsRefusedWholeNamingTheLine() throws {
    try receive()
    for (text, message) in [
      ("1,selected\n2,maybe\n", "Line 2 of decisions.csv: \"maybe\" is not a decision"),
      ("id,decision\n1,selected\n3,declined\n77,selected\n", "Line 4 of decisions.csv: There is no submission \"77\""),
      ("1,selected\n4,selected\n", "Line 2 of decisions.csv: Submission \"4\" was rejected at ingest"),
      ("1,selected\n2\n", "Line 2 of decisions.csv: each line needs a submission id"),
      ("1,selected\n1,declined\n", "Line 2 of decisions.csv: submission \"1\" is already decided on line 1"),
      ("1,selected\n2,\"unclosed\n", "Line 2 of decisions.csv is malformed"),
    ] {
      let csv = scratch.write("decisions.csv", text)
      let run = try salon("submissions", "decide", "--csv", csv)
      #expect(run.status == 1, "\(text)")
      #expect(run.stderr.contains(message), "\(text): \(run.stderr)")
      #expect(run.stderr.contains("Nothing was recorded"), "\(text)")
    }
    #expect(try decisions() == ["1": "-", "2": "-", "3": "-", "4": "-"], "no line of any refused file was recorded")
  }

  @Test func selectingAWorkThatCannotBePublishedWarnsThatTheExportLeavesItOut() throws {
    try receive()
    let run = try salon("submissions", "decide", "1", "3", "selected")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.contains(
        "Submission 3 is selected, but the export will leave it out: the artist's affirmation of authorship is unknown."
      ))
    #expect(!run.stdout.contains("Submission 1 is selected, but"))
    let declined = try salon("submissions", "decide", "3", "declined")
    #expect(!declined.stdout.contains("leave it out"), "only a selection warns")
    let export = try salon("export", "-o", scratch.path("site"), "--json")
    let leftOut = (try Binary.json(export) as! [String: Any])["leftOut"] as! [[String: Any]]
    #expect(!leftOut.contains { $0["id"] as? String == "1" })
  }

  @Test func anEmptyListIsAnEmptyJSONArray() throws {
    #expect(try Binary.run(["init", "--title", "Salon", "--archive", archive]).status == 0)
    let run = try salon("submissions", "list", "--json")
    #expect(try Binary.json(run) as? [Any] != nil)
    #expect((try Binary.json(run) as! [Any]).isEmpty)
  }
}
