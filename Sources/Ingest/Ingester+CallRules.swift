import Basics
import Catalog
import Foundation
import Hashing
import MediaTools

/// The call's rules on what one zip holds: every check applied as the zip is read, the roles of
/// its files, the limits of each medium, and what a submission must contain.
extension Ingester {
  /// Checks a zip without recording anything: what ingest would conclude. Nothing is stored
  /// (the fuzzers drive ingest's checks through this).
  public func check(zipAt path: String) throws -> Verdict {
    let (inspection, verdict) = try inspect(path, link: nil)
    inspection.discardAll()
    return verdict
  }

  /// Reads the zip once and applies every check; the caller keeps or discards its files.
  func inspect(_ path: String, link: String?, streamed: ZipInspection? = nil) throws -> (ZipInspection, Verdict) {
    let inspection =
      try streamed
      ?? ZipInspection(
        archive: archive, limits: exhibition.limits, cancellation: cancellation, mediaLimits: mediaLimits,
        knownFacts: knownFacts)
    do {
      try inspection.run(path: path, archive: archive)
    } catch {
      inspection.discardAll()
      throw error
    }
    var verdict = Verdict()
    verdict.problems = inspection.problems
    verdict.warnings = inspection.warnings
    verdict.files = try assignRoles(inspection, verdict: &verdict)
    // Every reason is reported; only a zip that could not be read whole says nothing of contents.
    let unreadable: Set<String> = [
      ProblemCode.notARegularFile, .notAZip, .zipTooLarge, .zipTruncated, .zipCorrupt, .crcMismatch,
      .centralDirectoryMissing,
      .centralDirectoryMismatch, .overlappingEntries, .tooManyEntries, .tooMuchData,
    ].reduce(into: []) { $0.insert($1.rawValue) }
    if !verdict.problems.contains(where: { unreadable.contains($0.code) }) { checkContents(&verdict, link: link) }
    return (inspection, verdict)
  }

  func assignRoles(_ inspection: ZipInspection, verdict: inout Verdict) throws -> [ReceivedFile] {
    let candidates = inspection.entries.map { RoleInference.Candidate(path: $0.path, family: $0.type.family) }
    let assignments = RoleInference.assign(candidates)
    var files: [ReceivedFile] = []
    for (entry, assignment) in zip(inspection.entries, assignments) {
      var file = ReceivedFile(
        path: entry.path, role: assignment.role, type: entry.type.mediaType, size: entry.file.size,
        sha256: try entry.file.finish())
      file.number = assignment.number
      file.width = entry.properties.width
      file.height = entry.properties.height
      file.duration = entry.properties.duration.map { ($0 * 1000).rounded() / 1000 }
      file.pages = entry.properties.pages
      file.container = entry.properties.container
      file.codecs = entry.properties.codecs
      file.frames = entry.properties.frames
      file.facts = entry.properties.facts
      files.append(file)
      if let damage = entry.damage { report(damage, of: entry.path, role: assignment.role, in: &verdict) }
      // The submission's video is held to the video limit even when it holds only sound (the
      // audio limit, which the classifier applied, is longer).
      if assignment.role == .video, !entry.properties.isVideo, let length = entry.properties.duration,
        length > exhibition.limits.maxVideoSeconds + 0.0005,
        !verdict.problems.contains(where: { $0.file == entry.path })
      {
        verdict.problems.append(
          ZipProblem.videoTooLong(
            entry.path, seconds: length, atLeast: entry.properties.durationIsLowerBound,
            limit: exhibition.limits.maxVideoSeconds
          ).finding)
      }
      if let note = assignment.note {
        verdict.warnings.append(Finding(code: WarningCode.roleInferred.rawValue, message: note, file: entry.path))
      }
      if assignment.role == .other {
        verdict.warnings.append(
          Finding(
            code: WarningCode.unknownRole.rawValue,
            message: "Salon could not tell what \"\(entry.path)\" is for; it is kept as \"other\".", file: entry.path))
      }
    }
    return files
  }

  /// A damaged main work or video rejects the submission; a damaged supplementary file warns,
  /// unless the organiser chose to reject those too.
  func report(_ damage: MediaDamage, of path: String, role: FileRole, in verdict: inout Verdict) {
    let code: ProblemCode
    switch damage.kind {
    case .damaged: code = .mediaDamaged
    case .timedOut: code = .mediaTimedOut
    case .overLimit: code = .mediaOverLimit
    }
    let message = "\"\(path)\" failed when Salon decoded it. \(damage.sentence)"
    if role == .main || role == .video || exhibition.limits.rejectDamagedSupplementary {
      verdict.problems.append(Finding(code, message, file: path))
    } else {
      verdict.warnings.append(
        Finding(.supplementaryDamaged, message + " It is kept, as it is not the main work or video.", file: path))
    }
  }

  /// The call's rules on what a submission holds.
  func checkContents(_ verdict: inout Verdict, link: String? = nil) {
    let limits = exhibition.limits
    let mains = verdict.files.filter { $0.role == .main }
    let videos = verdict.files.filter { $0.role == .video }
    if mains.isEmpty && videos.isEmpty, let link = link.flatMap(HTMLText.safeLink) {
      // A work that cannot be a file (a hosted interactive piece) may be a link the organisers cleared.
      verdict.warnings.append(
        Finding(
          code: WarningCode.linkWork.rawValue,
          message: "The work is the link \(link); make sure the organisers have cleared it before selecting it."))
    } else if mains.isEmpty && videos.isEmpty {
      verdict.problems.append(
        Finding(
          code: ProblemCode.noMainWork.rawValue,
          message: "The zip has neither a main work (<name>_main.<ext>) nor a video (<name>_video.mp4)."))
    }
    if mains.count > 1 {
      verdict.warnings.append(
        Finding(
          code: WarningCode.severalMainWorks.rawValue,
          message: "\(mains.count) files are named as the main work: \(mains.map(\.path).joined(separator: ", "))."))
    }
    let descriptions = verdict.files.filter { $0.role == .description }
    if descriptions.isEmpty {
      verdict.problems.append(
        Finding(
          code: ProblemCode.noDescription.rawValue,
          message:
            "The zip has no description PDF (<name>_description.pdf with the title, artist bios and how AI was used)."))
    }
    for description in descriptions {
      if description.type != "application/pdf" {
        verdict.problems.append(
          Finding(
            code: ProblemCode.descriptionNotPDF.rawValue,
            message: "The description \"\(description.path)\" is not a PDF; please send it as a PDF.",
            file: description.path))
      } else if let pages = description.pages {
        if pages > limits.maxDescriptionPages {
          verdict.problems.append(
            Finding(
              code: ProblemCode.descriptionTooLong.rawValue,
              message:
                "The description \"\(description.path)\" has \(pages) pages; the call allows at most \(limits.maxDescriptionPages).",
              file: description.path))
        }
      } else if !verdict.warnings.contains(where: { $0.file == description.path })
        && !verdict.problems.contains(where: { $0.file == description.path })
      {
        verdict.warnings.append(
          Finding(
            code: WarningCode.pagesUnknown.rawValue,
            message:
              "Salon could not count the pages of \"\(description.path)\"; please check it is at most \(limits.maxDescriptionPages) pages.",
            file: description.path))
      }
    }
    // Durations and frame sizes are checked for every file of its medium, in every role, as
    // the file is read (`EntryClassifier`).
  }
}

/// "60 s", "12.5 s"; a duration read from a hostile header may be far past Int's range.
func seconds(_ value: Double) -> String {
  guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.0f s", value) }
  return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
}
