import Foundation
import SQLite

/// What a submission's files say about how they were made, set beside what the artist declared.
package enum ProvenanceFinding: String, Codable, CaseIterable, Sendable {
  /// Something is embedded, and it shows no more AI than declared.
  case consistent
  /// The file shows more AI than declared (a warning, never a rejection).
  case contradiction
  /// Nothing is embedded: neutral, as platforms strip metadata routinely.
  case absent
  /// A C2PA manifest Salon cannot validate: present, never proof.
  case unverified
  /// The form says nothing about AI use, so there is nothing to compare with.
  case undeclared

  /// How strongly a finding speaks, for a submission that takes its strongest file's.
  var strength: Int {
    switch self {
    case .contradiction: return 4
    case .unverified: return 3
    case .consistent: return 2
    case .absent: return 1
    case .undeclared: return 0
    }
  }

  /// How the organiser and the jury read it.
  package var label: String {
    switch self {
    case .consistent: return "Embedded provenance is consistent with the declaration"
    case .contradiction: return "Embedded provenance shows more AI use than declared"
    case .absent: return "No embedded provenance"
    case .unverified: return "A content-credentials manifest is present but not verified"
    case .undeclared: return "AI use not declared, so nothing to compare"
    }
  }
}

/// One thing a file says about how it was made. `value` never holds a prompt: a generator's
/// parameters are kept as their settings line alone.
package struct ProvenanceEvidence: Codable, Equatable, Sendable {
  /// Where it was found: `XMP DigitalSourceType`, `EXIF Software`, `PNG parameters`, `C2PA claim generator`…
  package var source: String
  package var value: String
  /// The AI use it shows, when it shows one (a C2PA manifest's own claims show none: unverified).
  package var indicates: AIUse?
  package init(source: String, value: String, indicates: AIUse?) {
    self.source = source
    self.value = value
    self.indicates = indicates
  }
}

/// One image's or video's provenance.
package struct FileProvenance: Codable, Equatable, Sendable {
  package var path: String
  package var finding: ProvenanceFinding
  /// `present`, `absent`, `not examined` (exiftool reads C2PA in JPEG and PNG only) or
  /// `not read` (exiftool could not read the file).
  package var c2pa: String
  package var evidence: [ProvenanceEvidence]
  package init(path: String, finding: ProvenanceFinding, c2pa: String, evidence: [ProvenanceEvidence]) {
    self.path = path
    self.finding = finding
    self.c2pa = c2pa
    self.evidence = evidence
  }
}

/// A submission's provenance: its strongest file finding, and each file's.
package struct ProvenanceReport: Codable, Equatable, Sendable {
  package var finding: ProvenanceFinding
  /// The declaration it was compared with.
  package var declared: AIUse
  package var files: [FileProvenance]
  package init(finding: ProvenanceFinding, declared: AIUse, files: [FileProvenance]) {
    self.finding = finding
    self.declared = declared
    self.files = files
  }
}

extension ProvenanceReport {
  /// The same evidence set beside `declared`. Reports are judged again whenever they are read,
  /// so a declaration corrected after ingest, or a version moved to another submission, is
  /// compared afresh; the stored finding stays as ingest saw it.
  package func judged(against declared: AIUse) -> ProvenanceReport {
    let files = self.files.map { file in
      var file = file
      file.finding = ProvenanceRules.finding(
        evidence: file.evidence, hasManifest: file.c2pa == "present", declared: declared)
      return file
    }
    return ProvenanceReport(
      finding: ProvenanceRules.submission(files, declared: declared), declared: declared, files: files)
  }
}

extension AIUse {
  /// How much AI a declaration or a piece of evidence means; nil for unknown.
  package var level: Int? {
    switch self {
    case .none: return 0
    case .assisted: return 1
    case .generated: return 2
    case .unknown: return nil
    }
  }
}

/// The rules that set a file's embedded evidence beside the declaration.
package enum ProvenanceRules {
  /// A file's finding: a contradiction is evidence of more AI than declared (declaring more is
  /// never misleading); an unvalidated C2PA manifest is only `unverified`.
  package static func finding(evidence: [ProvenanceEvidence], hasManifest: Bool, declared: AIUse)
    -> ProvenanceFinding
  {
    guard let declaredLevel = declared.level else { return .undeclared }
    if evidence.contains(where: { ($0.indicates?.level ?? -1) > declaredLevel }) { return .contradiction }
    if hasManifest { return .unverified }
    return evidence.isEmpty ? .absent : .consistent
  }

  /// The submission's finding: its strongest file's (a contradiction outranks unverified).
  package static func submission(_ files: [FileProvenance], declared: AIUse) -> ProvenanceFinding {
    if declared.level == nil { return .undeclared }
    return files.map(\.finding).max { $0.strength < $1.strength } ?? .absent
  }
}

extension SalonArchive {
  /// Records the provenance found in version `number` of submission `key`, inside the caller's
  /// transaction (the version was just recorded). A version that already has its provenance
  /// keeps it: the same bytes say the same, and the record is never changed.
  package func recordProvenance(exhibition: Exhibition, key: String, version number: Int, _ report: ProvenanceReport)
    throws
  {
    guard
      let version = try database.queryOne(
        """
        SELECT v.id FROM version v JOIN submission s ON s.id = v.submission_id
        WHERE s.exhibition_id = ? AND s.key = ? AND v.number = ?
        """, [exhibition.id, key, number])?.int("id")
    else { throw CatalogError.unknownSubmission(id: key) }
    let files = String(decoding: try JSONEncoder().encode(report.files), as: UTF8.self)
    try database.run(
      """
      INSERT INTO provenance (version_id, finding, declared, files) SELECT ?, ?, ?, ?
      WHERE NOT EXISTS (SELECT 1 FROM provenance WHERE version_id = ?)
      """, [version, report.finding.rawValue, report.declared.rawValue, files, version])
  }

  /// The provenance of each version in `versionIDs` that has one, by version row id.
  func provenanceReports(versionIDs json: String) throws -> [Int: ProvenanceReport] {
    var reports: [Int: ProvenanceReport] = [:]
    try database.forEachRow(
      "SELECT * FROM provenance WHERE version_id IN (SELECT value FROM json_each(?))", [json]
    ) { row in
      let files = try JSONDecoder().decode([FileProvenance].self, from: Data(try row.string("files").utf8))
      reports[try row.int("version_id")] = ProvenanceReport(
        finding: try row.value("finding", as: ProvenanceFinding.self),
        declared: try row.value("declared", as: AIUse.self), files: files)
    }
    return reports
  }
}

extension SalonArchive {
  static func provenanceCardSetting(_ exhibition: Exhibition) -> String { "provenance-card:\(exhibition.id)" }

  /// Whether jurors' rooms show a neutral provenance card beside each work's declaration: the
  /// organiser's choice for the exhibition, off unless chosen.
  package func showsProvenanceCard(exhibition: Exhibition) throws -> Bool {
    try setting(Self.provenanceCardSetting(exhibition)) == "on"
  }

  package func setProvenanceCard(exhibition: Exhibition, shown: Bool) throws {
    try database.transaction {
      try database.run(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Self.provenanceCardSetting(exhibition), shown ? "on" : "off"])
      try record("setting", exhibition: exhibition.id, detail: ["provenanceCard": shown])
    }
  }

  /// The provenance of each submission's latest version as ingest judged it, by submission id,
  /// for the rooms (which judge it again against the declarations they show).
  package func latestProvenance(exhibition: Exhibition) throws -> [String: ProvenanceReport] {
    var reports: [String: ProvenanceReport] = [:]
    try database.forEachRow(
      """
      SELECT s.key, p.* FROM submission s
      JOIN version v ON v.submission_id = s.id
        AND v.number = (SELECT max(number) FROM version WHERE submission_id = s.id)
      JOIN provenance p ON p.version_id = v.id
      WHERE s.exhibition_id = ?
      """, [exhibition.id]
    ) { row in
      let files = try JSONDecoder().decode([FileProvenance].self, from: Data(try row.string("files").utf8))
      reports[try row.string("key")] = ProvenanceReport(
        finding: try row.value("finding", as: ProvenanceFinding.self),
        declared: try row.value("declared", as: AIUse.self), files: files)
    }
    return reports
  }
}
