import Catalog
import Export
import Foundation

/// The neutral card a jury room shows beside a work's AI declaration when the organiser chose it
/// (`salon exhibition provenance-card SLUG on`): what the files say about how they were made,
/// and how that reads against the declaration, without judging. Never a prompt (the catalog
/// keeps none), and never a file's name, which often carries the artist's.
enum ProvenanceCard {
  static func value(_ recorded: ProvenanceReport?, declared: AIUse) -> TemplateValue {
    guard let report = recorded?.judged(against: declared) else {
      return .object([
        "reading": .text("Not read: this version was received before Salon read embedded provenance."),
        "hasEvidence": .bool(false), "evidence": .list([]),
      ])
    }
    var seen = Set<String>()
    let evidence: [TemplateValue] = report.files.flatMap(\.evidence).compactMap { item in
      guard seen.insert(item.source + "\u{0}" + item.value).inserted else { return nil }
      return .object(["source": .text(item.source), "value": .text(item.value)])
    }
    return .object([
      "reading": .text(report.finding.label + "."), "hasEvidence": .bool(!evidence.isEmpty),
      "evidence": .list(evidence),
    ])
  }
}
