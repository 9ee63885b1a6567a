import Basics
import Catalog
import Foundation
import Hashing
import MediaTools

/// Ingests zips into an exhibition: inspects each, stores what it keeps, records a version.
public final class Ingester {
  let archive: SalonArchive
  let exhibition: Exhibition
  let form: FormExport?
  /// Each medium the form gave and the category it was taken as, for the organiser to review.
  package private(set) var categoriesByMedium: [String: WorkCategory] = [:]
  let cancellation: Cancellation
  let mediaLimits: SandboxLimits
  /// What the decoders said of the files read so far in this run, by content.
  let knownFacts = KnownFacts()
  /// A zip streamed before it had to wait for the batch in hand, kept for its second try.
  var streamedAhead: (path: String, inspection: ZipInspection)?

  /// The limits on each decoder run at ingest (ffprobe, the decode check, pdfinfo): a minute of
  /// processor time is generous, and the clock allows three times that, as with
  /// `--media-time-limit`, so a busy machine does not turn a valid 60 s film into a time-out.
  public static let defaultMediaLimits = SandboxLimits(
    processorSeconds: 60, memoryBytes: 2 << 30, fileBytes: 1 << 20)

  /// `cancellation` stops the zip being read (throwing `Interrupted`) with nothing of it recorded,
  /// killing a decoder that is running at once.
  public init(
    archive: SalonArchive, exhibition: Exhibition, form: FormExport?, cancellation: Cancellation = .never,
    mediaLimits: SandboxLimits = Ingester.defaultMediaLimits
  ) {
    self.archive = archive
    self.exhibition = exhibition
    self.form = form
    self.cancellation = cancellation
    self.mediaLimits = mediaLimits
  }

  /// What ingest found at the paths it was given.
  package struct Found: Sendable {
    /// Zips to ingest, in natural order within each folder (1, 2, …, 10).
    package var zips: [String] = []
    /// Files in the folders given that are not zips (hidden files aside), by path.
    package var skipped: [String] = []
    /// For a folder holding no zip itself, its subfolders that do.
    package var foldersBelow: [(folder: String, subfolders: [String])] = []
  }

  /// The zips named: files as given, folders by their `.zip` files (not recursive).
  package static func zipPaths(_ paths: [String]) throws -> [String] { try find(paths).zips }

  /// The zips named, and what else the folders hold: files that are not zips, and subfolders
  /// that hold zips when the folder itself holds none.
  package static func find(_ paths: [String]) throws -> Found {
    var found = Found()
    let fileManager = FileManager.default
    func isFolder(_ path: String) -> Bool {
      var folder: ObjCBool = false
      return fileManager.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
    func isZip(_ name: String) -> Bool { name.lowercased().hasSuffix(".zip") && !name.hasPrefix(".") }
    for path in paths {
      guard fileManager.fileExists(atPath: path) else {
        throw CatalogError.storage("There is no file or folder at \(path).")
      }
      guard isFolder(path) else {
        found.zips.append(path)
        continue
      }
      let folder = URL(fileURLWithPath: path)
      let names = try fileManager.contentsOfDirectory(atPath: path).sorted(by: NaturalOrder.precedes)
      var zipsHere = 0
      var subfolders: [String] = []
      for name in names where !name.hasPrefix(".") {
        let child = folder.appendingPathComponent(name).path
        if isFolder(child) {
          subfolders.append(name)
        } else if isZip(name) {
          found.zips.append(child)
          zipsHere += 1
        } else {
          found.skipped.append(child)
        }
      }
      if zipsHere == 0 {
        let holding = subfolders.filter { sub in
          let names = (try? fileManager.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []
          return names.contains(where: isZip)
        }
        if !holding.isEmpty { found.foldersBelow.append((path, holding)) }
      }
    }
    return found
  }

  /// A zip checked and judged, its files in `tmp/`, not yet stored or recorded.
  struct Prepared {
    var path: String
    var key: String
    var zipName: String
    var zipSHA256: String?
    var inspection: ZipInspection
    var verdict: Verdict
    var declarations: Declarations?
    /// The zip is the submission's latest version again: its declarations, when they differ,
    /// correct those recorded without a new version (`form` names where they came from).
    var correction: (version: Int, form: String)?
    var provenance: ProvenanceReport?
    /// The zip as received first, then (when accepted) the files it holds.
    var files: [TemporaryFile]
  }

  /// What the zips of a batch not yet recorded claim: a later zip that touches one of them waits
  /// for the batch to be recorded, so it sees the catalog as one-at-a-time ingest would.
  struct Claims {
    var keys = Set<String>()
    var zips = Set<String>()
    var bytes = 0
    var isEmpty: Bool { keys.isEmpty && zips.isEmpty }
  }

  enum Step {
    /// Settled without recording anything (an earlier version sent again).
    case done(SubmissionReport)
    case prepared(Prepared)
    /// Touches a zip or submission of the batch in hand: record the batch, then ask again.
    case waitForBatch
  }

  /// Ingests one zip. Errors thrown are the archive's own (disk full, interrupted); anything
  /// wrong with the zip becomes a rejection in the report.
  /// - Parameter id: makes the zip the next version of this existing submission (`ingest --id`).
  package func ingest(zipAt path: String, asVersionOf id: String? = nil) throws -> SubmissionReport {
    switch try prepare(zipAt: path, asVersionOf: id, claims: Claims()) {
    case .done(let report): return report
    case .prepared(let prepared):
      defer { prepared.inspection.discardAll() }
      return try record([prepared])[0]
    case .waitForBatch: preconditionFailure("no batch is in hand")
    }
  }

  /// Zips a batch holds at most, and bytes of their files: enough that storing and recording
  /// cost a few flushes a batch rather than several a zip, little enough for `tmp/`.
  package static let batchZips = 64
  package static let batchBytes = 256 << 20

  /// Ingests zips as `ingest(zipAt:)` does each, in order, recording them in batches: a batch's
  /// files are flushed to disk together, then its versions are recorded in one transaction. A
  /// crash loses at most the batch in hand, which nothing has reported yet; its files are
  /// removed at the next start. `each` hears of every zip in order, once its batch is recorded,
  /// or of the error that stopped a zip being read (the batch goes on). `starting` is told
  /// before each zip is read, for progress. Interrupted, the zips already read are recorded
  /// first.
  package func ingest(
    zipsAt paths: [String], asVersionOf id: String? = nil,
    starting: (_ index: Int, _ path: String) -> Void = { _, _ in },
    each: (_ path: String, _ result: Result<SubmissionReport, Error>) throws -> Void
  ) throws {
    var batch: [Prepared] = []
    var claims = Claims()
    func recordBatch() throws {
      guard !batch.isEmpty else { return }
      let held = batch
      batch = []
      claims = Claims()
      defer { for prepared in held { prepared.inspection.discardAll() } }
      for (prepared, report) in zip(held, try record(held)) { try each(prepared.path, .success(report)) }
    }
    for (index, path) in paths.enumerated() {
      starting(index, path)
      var step: Step
      do {
        step = try prepare(zipAt: path, asVersionOf: id, claims: claims)
        if case .waitForBatch = step {
          try recordBatch()
          step = try prepare(zipAt: path, asVersionOf: id, claims: claims)
        }
      } catch let error as Interrupted {
        try recordBatch()
        throw error
      } catch {
        try recordBatch()
        try each(path, .failure(error))
        continue
      }
      switch step {
      case .done(let report):
        try recordBatch()
        try each(path, .success(report))
      case .prepared(let prepared):
        batch.append(prepared)
        claims.keys.insert(prepared.key)
        if let sha = prepared.zipSHA256 { claims.zips.insert(sha) }
        claims.bytes += prepared.files.reduce(0) { $0 + $1.size }
        // `--id` makes every zip a version of one submission: each waits for the one before.
        if id != nil || batch.count >= Self.batchZips || claims.bytes >= Self.batchBytes { try recordBatch() }
      case .waitForBatch:
        preconditionFailure("the batch was recorded")
      }
    }
    try recordBatch()
  }

  func prepare(zipAt path: String, asVersionOf id: String?, claims: Claims) throws -> Step {
    let zipName = URL(fileURLWithPath: path).lastPathComponent
    // One pass over the bytes: the zip is copied for the store and hashed while its entries are
    // unpacked for the decoders; the decoders run only once the hash has told a resend apart.
    // A zip that waits for the batch keeps what it streamed for its second try.
    let streamed: ZipInspection
    if let ahead = streamedAhead, ahead.path == path {
      streamed = ahead.inspection
    } else {
      streamedAhead?.inspection.discardAll()
      streamed = try ZipInspection(
        archive: archive, limits: exhibition.limits, cancellation: cancellation, mediaLimits: mediaLimits,
        knownFacts: knownFacts)
      do {
        try streamed.stream(path: path, archive: archive)
      } catch {
        streamed.discardAll()
        throw error
      }
    }
    streamedAhead = nil
    // The same bytes are the same zip, whatever they are called now and whether or not a form says so.
    let zipSHA256 = streamed.zipSHA256
    let claim: Claim
    do {
      switch try claimFor(zipName: zipName, zipSHA256: zipSHA256, asVersionOf: id, claims: claims) {
      case .settled(let step):
        if case .waitForBatch = step { streamedAhead = (path, streamed) } else { streamed.discardAll() }
        return step
      case .claim(let found): claim = found
      }
    } catch {
      streamed.discardAll()
      throw error
    }
    let key = claim.key
    let declarations = claim.declarations
    let notes = claim.notes

    let (inspection, verdictBeforeDeclarations) = try inspect(path, link: declarations?.link, streamed: streamed)
    var verdict = verdictBeforeDeclarations
    // Each accepted file is stored inside the zip as received, where its local header starts.
    let offsets = Dictionary(inspection.entries.map { ($0.path, $0.headerOffset) }, uniquingKeysWith: { a, _ in a })
    for index in verdict.files.indices { verdict.files[index].headerOffset = offsets[verdict.files[index].path] }
    verdict.warnings += notes
    // An opt-out of the sandbox is recorded with every submission it touched.
    if Sandbox.runsUnconfined {
      verdict.warnings.append(
        Finding(code: WarningCode.mediaUnconfined.rawValue, message: WarningCode.mediaUnconfined.summary))
    }
    let (provenance, contradictions) = ProvenanceJudgement.judge(inspection.entries, declarations: declarations)
    verdict.warnings += contradictions
    // The decoders are done: their unpacked copies go now, not with the batch.
    inspection.discardUnpacked()
    if declarations == nil {
      verdict.warnings.append(
        Finding(
          code: WarningCode.noDeclarations.rawValue,
          message: claim.withoutDeclarations
            ?? (form == nil
              ? "No form export was given, so this submission has no declarations yet."
              : "No row of the form export matches \(zipName), so this submission has no declarations.")))
    } else if let d = declarations {
      for (label, answer) in [
        ("granting rights to publish", d.rightsGranted), ("affirming authorship", d.authorshipAffirmed),
      ]
      where answer == .unknown {
        verdict.warnings.append(
          Finding(
            code: WarningCode.declarationUnknown.rawValue,
            message: "The form does not answer \(label); it counts as unknown, not as no."))
      }
    }
    return .prepared(
      Prepared(
        path: path, key: key, zipName: zipName, zipSHA256: zipSHA256, inspection: inspection, verdict: verdict,
        declarations: declarations, correction: claim.correction, provenance: provenance,
        files: [inspection.zipCopy]))
  }

  /// Stores the batch's files, flushed, before the catalog rows that point at them commit; then
  /// records every version and category in one transaction.
  func record(_ batch: [Prepared]) throws -> [SubmissionReport] {
    let kept = try archive.keep(batch.flatMap(\.files))
    var offset = 0
    return try archive.transaction {
      try batch.map { prepared in
        let zip = kept[offset]
        offset += prepared.files.count
        var verdict = prepared.verdict
        let key = prepared.key
        let declarations = prepared.declarations
        let (outcome, version): (RecordOutcome, Int)
        if let correction = prepared.correction {
          (outcome, version) = try recordCorrection(correction, key: key, declarations: declarations, into: &verdict)
        } else {
          (outcome, version) = try archive.recordVersion(
            exhibition: exhibition, key: key, zipName: prepared.zipName, zip: zip, verdict: verdict,
            declarations: declarations)
        }
        if outcome == .unchanged {
          // Nothing was recorded, so nothing was carried over, replaced or cleared either.
          let carried: Set<String> = [
            WarningCode.declarationsKept.rawValue, WarningCode.declarationsReplaced.rawValue,
            WarningCode.decisionCleared.rawValue,
          ]
          verdict.warnings.removeAll { carried.contains($0.code) }
        }
        if outcome != .unchanged, let provenance = prepared.provenance {
          try archive.recordProvenance(exhibition: exhibition, key: key, version: version, provenance)
        }
        let category = try archive.recordInferredCategory(
          exhibition: exhibition, id: key, medium: declarations?.medium)
        if let medium = declarations?.medium, WorkCategory.inferred(fromMedium: medium) == category {
          categoriesByMedium[medium] = category
        }
        var report = SubmissionReport(
          id: key, zip: prepared.zipName, status: verdict.status, problems: verdict.problems,
          warnings: verdict.warnings, files: verdict.files, change: outcome.rawValue, version: version)
        report.category = category
        report.provenance = prepared.provenance
        return report
      }
    }
  }
}
