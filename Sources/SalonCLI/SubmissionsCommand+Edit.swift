import Basics
import Catalog
import Foundation

/// `salon submissions edit ID --FIELD VALUE…`: the organiser corrects a declaration (an alt
/// text, a withdrawn grant of rights) without a new version, so scores and the decision stand.
/// Recorded in the log as the organiser's (`source: organiser`); the next export publishes what
/// the declarations now say.
extension SubmissionsCommand {
  /// The options, as `--column` names the same fields (`altText` is `--alt-text`).
  static var textFields: [(option: String, path: WritableKeyPath<Declarations, String?>)] {
    [
      ("--title", \.title), ("--artists", \.artists), ("--email", \.email), ("--medium", \.medium),
      ("--statement", \.statement), ("--alt-text", \.altText), ("--link", \.link), ("--prior-venue", \.priorVenue),
      ("--ai-statement", \.aiStatement),
    ]
  }
  static var answerFields: [(option: String, path: WritableKeyPath<Declarations, Answer>)] {
    [
      ("--previously-published", \.previouslyPublished), ("--under-review", \.underReview),
      ("--rights-granted", \.rightsGranted), ("--authorship-affirmed", \.authorshipAffirmed),
    ]
  }
  static var editOptions: Set<String> {
    Set(textFields.map(\.option) + answerFields.map(\.option) + ["--ai-use"])
  }

  /// `submissions edit --json`: the fields changed (none when the declarations already said
  /// that), the category when the medium changed, and whether rights and authorship allow export.
  struct EditOutput: Encodable {
    var id: String
    var version: Int
    var changed: [String]
    var category: WorkCategory?
    var publishable: Bool
  }

  static func edit(_ args: Arguments, archive: SalonArchive, exhibition: Exhibition) throws {
    guard args.positional.count == 2 else {
      throw UsageError("submissions edit needs one submission ID and at least one --FIELD VALUE.")
    }
    let id = args.positional[1]
    guard !editOptions.intersection(args.values.keys).isEmpty else {
      throw UsageError(
        "submissions edit needs at least one field to correct: \(editOptions.sorted().joined(separator: ", "))."
      )
    }
    let report = try archive.submissionReport(exhibition: exhibition, id: id)
    var d = report.hasDeclarations == true ? report.declarations ?? Declarations() : Declarations()
    for (option, path) in textFields {
      guard let value = args.value(option) else { continue }
      // An empty value clears the answer: nothing declared, rather than an empty string published.
      let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
      d[keyPath: path] = trimmed.isEmpty ? nil : trimmed
    }
    for (option, path) in answerFields {
      guard let value = args.value(option) else { continue }
      guard let answer = Answer(rawValue: value.lowercased()) else {
        throw UsageError(
          "\(option) is yes, no or unknown, not \"\(value)\".\(suggestion(for: value, among: ["yes", "no", "unknown"]))"
        )
      }
      d[keyPath: path] = answer
    }
    if let value = args.value("--ai-use") {
      let names = ["none", "assisted", "generated", "unknown"]
      guard let use = AIUse(rawValue: value.lowercased()) else {
        throw UsageError(
          "--ai-use is none, assisted, generated or unknown, not \"\(value)\".\(suggestion(for: value, among: Set(names)))"
        )
      }
      d.aiUse = use
    }
    let changed = try archive.correctDeclarations(
      exhibition: exhibition, key: id, declarations: d, source: "organiser", note: args.value("--note"))
    let shown = TerminalText.visible(id)
    let category =
      changed.contains("medium")
      // The gallery's category follows the corrected medium, unless the organiser chose one.
      ? try archive.recordInferredCategory(exhibition: exhibition, id: id, medium: d.medium) : nil
    let publishable = d.rightsGranted == .yes && d.authorshipAffirmed == .yes
    if args.has("--json") {
      try writeJSON(
        EditOutput(
          id: id, version: report.version ?? 1, changed: changed, category: category, publishable: publishable))
      return
    }
    guard !changed.isEmpty else {
      print("Nothing changed: submission \(shown)'s declarations already say that.")
      return
    }
    print(
      "Corrected submission \(shown)'s declarations (\(changed.joined(separator: ", "))) on version \(report.version ?? 1), without a new version: scores and the decision stand. Recorded in the log as yours."
    )
    if let category {
      print("  Category: \(category.label) (choose another with `salon submissions category \(shown) CATEGORY`).")
    }
    if changed.contains("rightsGranted") || changed.contains("authorshipAffirmed") {
      print(
        publishable
          ? "  The next `salon export` may publish it (when it is selected)."
          : "  ! The next `salon export` leaves it out: rights to publish and authorship must both be yes."
      )
    }
  }
}
