import Catalog

/// What reading a zip can find wrong with it, typed: each kind maps to its stable code and its
/// sentence here and nowhere else, and the checks compare kinds, never message or code text.
enum ZipProblem: Equatable {
  case notARegularFile
  case notAZip(hasDataBefore: Bool)
  case zipTooLarge(size: Int, limit: Int)
  case tooManyEntries(limit: Int)
  case unsafeName(String, reason: String)
  case linkEntry(String)
  case specialEntry(String)
  case duplicateName(String, String)
  /// A named file, or (nil) the zip as a whole, as libarchive reports it.
  case encryptedEntry(String?)
  case sizeMismatch(String, unpacksToMore: Bool)
  case crcMismatch(String)
  case tooMuchData(limit: Int)
  case zipTruncated
  case zipCorrupt(detail: String)
  case centralDirectoryMissing
  case centralDirectoryInconsistent(reason: String)
  case centralDirectoryCount(listed: Int, held: Int)
  case centralDirectoryName(listed: String, held: String)
  case overlappingEntries(String, String)
  case nestedArchive(String, mediaType: String)
  case executable(String)
  case svgNotAllowed(String)
  case htmlNotAllowed(String)
  case typeMismatch(String, extension: String, actual: String)
  case formatNotAllowed(String)
  case imageTooLarge(String, width: Int, height: Int, limit: Int)
  /// A file of its medium over the call's duration limit, whatever its role. `atLeast`: the
  /// packets were read only past the limit, so the length is a lower bound.
  case videoTooLong(String, seconds: Double, atLeast: Bool, limit: Double)
  case audioTooLong(String, seconds: Double, atLeast: Bool, limit: Double)
  case videoFrameTooLarge(String, width: Int, height: Int, limit: Int)

  var code: ProblemCode {
    switch self {
    case .notARegularFile: return .notARegularFile
    case .notAZip: return .notAZip
    case .zipTooLarge: return .zipTooLarge
    case .tooManyEntries: return .tooManyEntries
    case .unsafeName: return .unsafeName
    case .linkEntry: return .linkEntry
    case .specialEntry: return .specialEntry
    case .duplicateName: return .duplicateName
    case .encryptedEntry: return .encryptedEntry
    case .sizeMismatch: return .sizeMismatch
    case .crcMismatch: return .crcMismatch
    case .tooMuchData: return .tooMuchData
    case .zipTruncated: return .zipTruncated
    case .zipCorrupt: return .zipCorrupt
    case .centralDirectoryMissing: return .centralDirectoryMissing
    case .centralDirectoryInconsistent, .centralDirectoryCount, .centralDirectoryName: return .centralDirectoryMismatch
    case .overlappingEntries: return .overlappingEntries
    case .nestedArchive: return .nestedArchive
    case .executable: return .executable
    case .svgNotAllowed: return .svgNotAllowed
    case .htmlNotAllowed: return .htmlNotAllowed
    case .typeMismatch: return .typeMismatch
    case .formatNotAllowed: return .formatNotAllowed
    case .imageTooLarge: return .imageTooLarge
    case .videoTooLong: return .videoTooLong
    case .audioTooLong: return .audioTooLong
    case .videoFrameTooLarge: return .videoFrameTooLarge
    }
  }

  /// The file the problem is about, as the report names it.
  var file: String? {
    switch self {
    case .unsafeName(let name, _): return printable(name)
    case .linkEntry(let name), .specialEntry(let name), .executable(let name), .svgNotAllowed(let name),
      .htmlNotAllowed(let name), .formatNotAllowed(let name):
      return name
    case .duplicateName(_, let name), .sizeMismatch(let name, _), .crcMismatch(let name), .nestedArchive(let name, _),
      .typeMismatch(let name, _, _), .imageTooLarge(let name, _, _, _), .videoTooLong(let name, _, _, _),
      .audioTooLong(let name, _, _, _), .videoFrameTooLarge(let name, _, _, _):
      return name
    case .encryptedEntry(let name): return name
    default: return nil
    }
  }

  /// One sentence a non-programmer understands.
  var message: String {
    switch self {
    case .notARegularFile:
      return "This is not a regular file (a device, a pipe or a link to one); Salon reads only ordinary zip files."
    case .notAZip(let hasDataBefore):
      return hasDataBefore
        ? "This file is not a zip, or has other data before the zip starts (a self-extracting archive?); please send a plain .zip."
        : "This file is not a zip; please send a .zip file."
    case .zipTooLarge(let size, let limit):
      return "The zip is \(readableSize(size)); the call allows at most \(readableSize(limit))."
    case .tooManyEntries(let limit):
      return "The zip holds more than \(limit) files; the call allows at most \(limit)."
    case .unsafeName(let name, let reason):
      return "The file name \"\(printable(name))\" is unsafe: \(reason)."
    case .linkEntry(let name):
      return "\"\(name)\" is a link, not a file; please put the file itself in the zip."
    case .specialEntry(let name):
      return "\"\(name)\" is not a regular file (a device or pipe); please remove it."
    case .duplicateName(let first, let second):
      return
        "\"\(first)\" and \"\(second)\" have the same name once case and accents are ignored; please rename one."
    case .encryptedEntry(let name?):
      return "\"\(name)\" is password-protected; please send it without a password."
    case .encryptedEntry(nil):
      return "The zip holds password-protected files; please send it without a password."
    case .sizeMismatch(let name, let more):
      return
        "\"\(name)\" unpacks to \(more ? "more" : "less") data than the zip declares for it (a sign of a zip bomb or a damaged zip)."
    case .crcMismatch(let name):
      return
        "\"\(name)\" is damaged: its checksum does not match, so the upload or download was corrupted; please send the zip again."
    case .tooMuchData(let limit):
      return
        "The files in the zip unpack to more than \(readableSize(limit)); the call allows at most that much."
    case .zipTruncated:
      return "The zip ends early, probably an incomplete upload; please send it again."
    case .zipCorrupt(let detail):
      return "The zip is damaged and cannot be read (\(detail)); please create it again."
    case .centralDirectoryMissing:
      return
        "The zip has no table of contents (central directory); it is incomplete or damaged. Please create it again."
    case .centralDirectoryInconsistent(let reason):
      return "The zip's table of contents does not match its contents: \(reason)."
    case .centralDirectoryCount(let listed, let held):
      return "The zip's table of contents lists \(listed) files but the zip holds \(held)."
    case .centralDirectoryName(let listed, let held):
      return "The zip's table of contents names \"\(printable(listed))\" where the zip holds \"\(held)\"."
    case .overlappingEntries(let a, let b):
      return "\"\(printable(a))\" and \"\(printable(b))\" share the same bytes in the zip, a trick used by zip bombs."
    case .nestedArchive(let path, let mediaType):
      return "\"\(path)\" is itself an archive (\(mediaType)); please put its files directly in the zip."
    case .executable(let path):
      return "\"\(path)\" is a program or script, which the call does not accept."
    case .svgNotAllowed(let path):
      return "\"\(path)\" is an SVG image, which can carry scripts; please send it as PNG or PDF."
    case .htmlNotAllowed(let path):
      return
        "\"\(path)\" is an HTML page, which can carry scripts; please send a PDF, or a link the organisers have cleared."
    case .typeMismatch(let path, let ext, let actual):
      return "\"\(path)\" is named .\(ext) but its content is \(actual); please save it in the format its name says."
    case .formatNotAllowed(let path):
      return
        "\"\(path)\" is in a format the call does not accept; send images, audio, video, PDF or plain text."
    case .imageTooLarge(let path, let width, let height, let limit):
      return
        "\"\(path)\" is \(width) × \(height) pixels; the call allows at most \(limit / 1_000_000) megapixels."
    case .videoTooLong(let path, let length, let atLeast, let limit):
      return
        "The video \"\(path)\" lasts \(atLeast ? "more than " : "")\(seconds(length)); the call allows at most \(seconds(limit))."
    case .audioTooLong(let path, let length, let atLeast, let limit):
      return
        "The audio \"\(path)\" lasts \(atLeast ? "more than " : "")\(seconds(length)); the call allows at most \(seconds(limit))."
    case .videoFrameTooLarge(let path, let width, let height, let limit):
      return
        "The video \"\(path)\" has frames of \(width) × \(height) pixels; the call allows at most \(megapixels(limit)) megapixels."
    }
  }

  var finding: Finding { Finding(code: code.rawValue, message: message, file: file) }
}

/// "100", "0.5": a pixel limit in megapixels, as `salon init --max-megapixels` took it.
func megapixels(_ pixels: Int) -> String {
  let value = Double(pixels) / 1_000_000
  return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}

/// What reading a zip notices without rejecting it.
enum ZipWarning: Equatable {
  case junkIgnored([String])
  case emptyFile(String)
  case pixelSizeUnknown(String)
  case durationUnknown(String, video: Bool, limit: Double)

  var code: WarningCode {
    switch self {
    case .junkIgnored: return .junkIgnored
    case .emptyFile: return .emptyFile
    case .pixelSizeUnknown: return .pixelSizeUnknown
    case .durationUnknown: return .durationUnknown
    }
  }

  var file: String? {
    switch self {
    case .junkIgnored: return nil
    case .emptyFile(let path), .pixelSizeUnknown(let path), .durationUnknown(let path, _, _): return path
    }
  }

  var message: String {
    switch self {
    case .junkIgnored(let names):
      return "Ignored system files that zip tools add: \(names.joined(separator: ", "))."
    case .emptyFile(let path): return "\"\(path)\" is empty."
    case .pixelSizeUnknown(let path): return "Salon could not read the pixel size of \"\(path)\"."
    case .durationUnknown(let path, let video, let limit):
      return
        "Salon could not measure how long \"\(path)\" lasts; please check it is at most \(seconds(limit)), the call's limit for \(video ? "a video" : "audio")."
    }
  }

  var finding: Finding { Finding(code: code.rawValue, message: message, file: file) }
}

/// The findings of one zip, in the order they were found.
struct ZipFindings {
  private(set) var problems: [ZipProblem] = []
  private(set) var warnings: [ZipWarning] = []

  mutating func add(_ problem: ZipProblem) { problems.append(problem) }
  mutating func add(_ warning: ZipWarning) { warnings.append(warning) }
  mutating func remove(_ code: ProblemCode) { problems.removeAll { $0.code == code } }

  func has(_ code: ProblemCode) -> Bool { problems.contains { $0.code == code } }
  func has(_ code: ProblemCode, file: String) -> Bool { problems.contains { $0.code == code && $0.file == file } }
  func hasProblem(file: String) -> Bool { problems.contains { $0.file == file } }
}
