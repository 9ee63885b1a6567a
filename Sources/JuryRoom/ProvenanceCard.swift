import Catalog
import Export
import Foundation

/// The neutral card a jury room shows beside a work's AI declaration when the organiser chose it
/// (`salon exhibition provenance-card SLUG on`): what the files say about how they were made,
/// and how that reads against the declaration, without judging. Never a prompt: the catalog
/// keeps none.
enum ProvenanceCard {
  static func value(_ report: ProvenanceReport?) -> TemplateValue {
    guard let report else {
      return .object([
        "reading": .text("Not read: this version was received before Salon read embedded provenance."),
        "hasEvidence": .bool(false), "evidence": .list([]),
      ])
    }
    let evidence: [TemplateValue] = report.files.flatMap { file in
      file.evidence.map { item in
        .object(["file": .text(file.path), "source": .text(item.source), "value": .text(item.value)])
      }
    }
    return .object([
      "reading": .text(report.finding.label + "."), "hasEvidence": .bool(!evidence.isEmpty),
      "evidence": .list(evidence),
    ])
  }
}
