import Catalog
import Foundation

/// Every reason ingest rejects a zip or warns about it. The raw values are stable codes that
/// scripts and the README rely on; the messages are for artists and organisers.
package enum ProblemCode: String, CaseIterable, Sendable {
  // The zip itself.
  case notARegularFile = "not-a-regular-file"
  case notAZip = "not-a-zip"
  case zipTooLarge = "zip-too-large"
  case zipCorrupt = "zip-corrupt"
  case zipTruncated = "zip-truncated"
  case centralDirectoryMissing = "central-directory-missing"
  case centralDirectoryMismatch = "central-directory-mismatch"
  case overlappingEntries = "overlapping-entries"
  case tooManyEntries = "too-many-entries"
  case tooMuchData = "too-much-data"
  case sizeMismatch = "size-mismatch"
  case crcMismatch = "crc-mismatch"
  case encryptedEntry = "encrypted-entry"
  // Entries.
  case unsafeName = "unsafe-name"
  case linkEntry = "link-entry"
  case specialEntry = "special-entry"
  case duplicateName = "duplicate-name"
  case nestedArchive = "nested-archive"
  case executable = "executable"
  case typeMismatch = "type-mismatch"
  case formatNotAllowed = "format-not-allowed"
  case svgNotAllowed = "svg-not-allowed"
  case htmlNotAllowed = "html-not-allowed"
  case imageTooLarge = "image-too-large"
  case mediaDamaged = "media-damaged"
  case mediaTimedOut = "media-timed-out"
  case mediaOverLimit = "media-over-limit"
  // The submission's contents.
  case noMainWork = "no-main-work"
  case noDescription = "no-description"
  case descriptionNotPDF = "description-not-pdf"
  case descriptionTooLong = "description-too-long"
  case videoTooLong = "video-too-long"
  case audioTooLong = "audio-too-long"
  case videoFrameTooLarge = "video-frame-too-large"

  /// The one-line summary used in the README's table.
  package var summary: String {
    switch self {
    case .notARegularFile: return "The path is a device, a pipe or a link to one, not an ordinary file."
    case .notAZip: return "The file is not a zip, or has data before the zip begins."
    case .zipTooLarge: return "The zip is over the call's size limit."
    case .zipCorrupt: return "The zip is damaged and cannot be read."
    case .zipTruncated: return "The zip ends early (an incomplete upload or download)."
    case .centralDirectoryMissing: return "The zip's table of contents (central directory) is missing."
    case .centralDirectoryMismatch: return "The zip's table of contents does not match its contents."
    case .overlappingEntries: return "Entries share bytes (a zip bomb technique)."
    case .tooManyEntries: return "The zip holds more files than the call allows."
    case .tooMuchData: return "The files unpack to more data than the call allows."
    case .sizeMismatch: return "A file unpacks to a different size than the zip declares."
    case .crcMismatch:
      return "A file in the zip is damaged: its checksum does not match (the upload or download was corrupted)."
    case .encryptedEntry: return "A file is password-protected."
    case .unsafeName: return "A file name could write outside its folder or hide its real name."
    case .linkEntry: return "The zip holds a link instead of a file."
    case .specialEntry: return "The zip holds a device, pipe or other non-file entry."
    case .duplicateName: return "Two files have the same name once case and accents are ignored."
    case .nestedArchive: return "The zip holds another archive."
    case .executable: return "The zip holds a program or script."
    case .typeMismatch: return "A file's content does not match its extension."
    case .formatNotAllowed: return "A file is in a format the call does not accept."
    case .svgNotAllowed: return "An SVG image (may hold scripts); send PNG or PDF instead."
    case .htmlNotAllowed: return "An HTML page (may hold scripts); send PDF or a cleared link instead."
    case .imageTooLarge: return "An image has more pixels than the call allows."
    case .mediaDamaged:
      return "The main work or video does not decode (cut short, corrupt, or not what it claims to be)."
    case .mediaTimedOut: return "Decoding the main work or video took longer than the limit and was stopped."
    case .mediaOverLimit: return "Decoding the main work or video needed more memory or time than the limit allows."
    case .noMainWork: return "There is neither a main work nor a video."
    case .noDescription: return "There is no description PDF."
    case .descriptionNotPDF: return "The description is not a PDF."
    case .descriptionTooLong: return "The description has more pages than the call allows."
    case .videoTooLong:
      return "A video file, in any role, runs longer than the call allows (measured from its packets, not its header)."
    case .audioTooLong:
      return "An audio file, in any role, runs longer than the call allows (measured from its packets, not its header)."
    case .videoFrameTooLarge: return "A video's frames have more pixels than the call allows for an image."
    }
  }
}

/// Warnings: the submission is accepted, but someone should look.
package enum WarningCode: String, CaseIterable, Sendable {
  case junkIgnored = "junk-ignored"
  case roleInferred = "role-inferred"
  case unknownRole = "unknown-role"
  case severalMainWorks = "several-main-works"
  case noDeclarations = "no-declarations"
  case declarationUnknown = "declaration-unknown"
  case pagesUnknown = "pages-unknown"
  case durationUnknown = "duration-unknown"
  case pixelSizeUnknown = "pixel-size-unknown"
  case emptyFile = "empty-file"
  case linkWork = "link-work"
  case idConflict = "id-conflict"
  case declarationsKept = "declarations-kept"
  case declarationsReplaced = "declarations-replaced"
  case formRowDisagrees = "form-row-disagrees"
  case artistsDiffer = "artists-differ"
  case decisionCleared = "decision-cleared"
  case declarationsCorrected = "declarations-corrected"
  case supplementaryDamaged = "supplementary-damaged"
  case mediaUnconfined = "media-unconfined"
  case aiUseContradicted = "ai-use-contradicted"

  package var summary: String {
    switch self {
    case .junkIgnored: return "System junk (__MACOSX/, .DS_Store, Thumbs.db) was ignored."
    case .roleInferred: return "A file's role was inferred from a name that drifts from the convention."
    case .unknownRole: return "A file has no recognisable role; it is kept as `other`."
    case .severalMainWorks: return "More than one file is named as the main work."
    case .noDeclarations: return "No row of the form export matches this zip."
    case .declarationUnknown: return "A required declaration (rights, authorship) was not answered."
    case .pagesUnknown: return "Salon could not count the description's pages."
    case .durationUnknown: return "Salon could not measure how long an audio or video file lasts."
    case .pixelSizeUnknown: return "Salon could not read an image's pixel size."
    case .emptyFile: return "A file is empty."
    case .linkWork: return "The work is a link (a hosted piece); the organisers must have cleared it."
    case .idConflict:
      return
        "The zip's id is held by another submission and nothing says it is a new version; it is kept apart as ID-conflict-N until `salon submissions merge`."
    case .declarationsKept:
      return "No form row matches this new version, so it keeps the previous version's declarations."
    case .declarationsReplaced: return "A form row gives this new version declarations that replace the previous ones."
    case .formRowDisagrees:
      return
        "The zip's name and its form row point to different submissions; the form's file column decides, or it is kept apart."
    case .artistsDiffer:
      return "The form names this zip as a new version, but by other artists than the previous one; it is kept apart."
    case .decisionCleared:
      return "The previous version was decided; this new version waits for the organiser's decision."
    case .declarationsCorrected:
      return "The same zip with a corrected form row: the declarations are corrected without a new version."
    case .supplementaryDamaged:
      return
        "A file other than the main work or video does not decode; it is kept (`salon init --damaged-supplementary reject` rejects instead)."
    case .mediaUnconfined:
      return "The media tools read this zip's files without their sandbox, as SALON_UNCONFINED_MEDIA=1 asked."
    case .aiUseContradicted:
      return
        "An image or video says it was made with more AI than the form declares (IPTC digital source type, a generator's parameters or name); the submission is accepted."
    }
  }
}

extension Finding {
  init(_ code: ProblemCode, _ message: String, file: String? = nil) {
    self.init(code: code.rawValue, message: message, file: file)
  }
  init(_ code: WarningCode, _ message: String, file: String? = nil) {
    self.init(code: code.rawValue, message: message, file: file)
  }
}

/// "104.9 MB": sizes as people read them (MB = 1024 × 1024 bytes, as the limits are).
func readableSize(_ bytes: Int) -> String {
  let units = ["bytes", "KB", "MB", "GB", "TB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024 && unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  if unit == 0 { return "\(bytes) bytes" }
  let rounded = (value * 10).rounded() / 10
  return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
}
