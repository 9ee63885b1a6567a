import Basics
import Catalog
import Foundation
import MediaTools

/// What one image or video says about how it was made, before it is set beside a declaration.
struct FileEvidence: Equatable {
  var evidence: [ProvenanceEvidence] = []
  /// `present`, `absent`, `not examined` or `not read` (see `FileProvenance.c2pa`).
  var c2pa = "not examined"
  var hasManifest: Bool { c2pa == "present" }
}

extension MediaCheck {
  /// The file's embedded provenance, read by exiftool in the sandbox. A file exiftool cannot
  /// read says so (`not read`); only cancellation and a missing exiftool stop the batch.
  func provenance(path: String, type: DetectedType) throws -> FileEvidence {
    let folder = try PrivateFolder(in: workingParent, prefix: "salon-provenance-")
    do {
      let found = try sandbox.embeddedProvenance(
        path, fileExtension: ProvenanceEvidenceReader.fileExtension(for: type.mediaType), workingFolder: folder.path)
      return ProvenanceEvidenceReader.evidence(from: found)
    } catch let error as MediaToolError {
      switch error {
      case .cancelled: throw Interrupted()
      case .missingTool: throw error
      default: return FileEvidence(evidence: [], c2pa: "not read")
      }
    }
  }
}

/// Turns what exiftool found into evidence with the AI use each piece shows.
enum ProvenanceEvidenceReader {
  /// The extension exiftool is given for a detected type, so it tries that format first.
  static func fileExtension(for mediaType: String) -> String {
    let known: [String: String] = [
      "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/tiff": "tif",
      "image/heic": "heic", "image/avif": "avif", "image/bmp": "bmp", "video/mp4": "mp4", "video/quicktime": "mov",
      "video/webm": "webm", "video/x-matroska": "mkv", "video/x-msvideo": "avi", "video/mp2t": "ts",
      "video/mpeg": "mpg",
    ]
    return known[mediaType] ?? "bin"
  }

  /// IPTC's digital source types (the last part of the URI) and the AI use each means. A value
  /// not listed is kept as evidence that shows no AI use.
  static let sourceTypes: [String: AIUse] = [
    "trainedAlgorithmicMedia": .generated,
    "compositeWithTrainedAlgorithmicMedia": .assisted,
    "algorithmicMedia": .none, "algorithmicallyEnhanced": .none, "digitalCapture": .none,
    "computationalCapture": .none, "negativeFilm": .none, "positiveFilm": .none, "print": .none,
    "humanEdits": .none, "minorHumanEdits": .none, "digitalCreation": .none, "digitalArt": .none,
    "compositeCapture": .none, "composite": .none, "compositeSynthetic": .none, "dataDrivenMedia": .none,
    "screenCapture": .none, "virtualRecording": .none, "softwareImage": .none,
  ]

  /// Generators whose name in `CreatorTool` or `Software` says the file came out of one, matched
  /// as whole words, ignoring case.
  static let generators = [
    "midjourney", "dall-e", "dall·e", "dalle", "stable diffusion", "stablediffusion", "sdxl", "comfyui",
    "automatic1111", "invokeai", "novelai", "firefly", "imagen", "leonardo.ai", "ideogram", "flux.1",
    "black forest labs", "runway", "sora", "nightcafe", "dreamstudio", "fooocus", "craiyon", "image creator",
    "chatgpt", "gpt-4o", "gemini", "kling", "pika labs", "krea", "playground ai", "artbreeder",
  ]

  static let generatorPattern: NSRegularExpression = {
    let names = generators.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
    return try! NSRegularExpression(
      pattern: "(?<![\\p{L}\\p{N}])(\(names))(?![\\p{L}\\p{N}])", options: [.caseInsensitive])
  }()

  static func namesGenerator(_ text: String) -> Bool {
    generatorPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  /// A value as recorded: one line of at most 300 characters, control characters dropped.
  static func clipped(_ text: String) -> String {
    let line = String(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) })
      .trimmingCharacters(in: .whitespaces)
    return line.count > 300 ? String(line.prefix(300)) + "…" : line
  }

  /// A generator's parameters as recorded: the settings line (`Steps: …, Sampler: …, Model: …`)
  /// alone; the prompt above it is never kept.
  static func settings(ofParameters text: String) -> String {
    let lines = text.split(whereSeparator: \.isNewline)
    if let line = lines.last(where: { $0.hasPrefix("Steps:") }) { return clipped(String(line)) }
    return "generation parameters (\(text.count) characters, not kept)"
  }

  static func evidence(from found: EmbeddedProvenance) -> FileEvidence {
    var result = FileEvidence()
    for value in found.digitalSourceTypes {
      let term = value.split(separator: "/").last.map(String.init) ?? value
      result.evidence.append(
        ProvenanceEvidence(
          source: "XMP DigitalSourceType", value: clipped(value), indicates: sourceTypes[term] ?? AIUse.none))
    }
    for (source, values) in [("XMP CreatorTool", found.creatorTools), ("Software", found.software)] {
      for value in values where namesGenerator(value) {
        result.evidence.append(ProvenanceEvidence(source: source, value: clipped(value), indicates: .assisted))
      }
    }
    for value in found.parameters {
      result.evidence.append(
        ProvenanceEvidence(source: "PNG parameters", value: settings(ofParameters: value), indicates: .assisted))
    }
    for (source, values) in [
      ("PNG prompt (ComfyUI)", found.comfyPrompts), ("PNG workflow (ComfyUI)", found.comfyWorkflows),
    ]
    where !values.isEmpty {
      let count = values.reduce(0) { $0 + $1.count }
      result.evidence.append(
        ProvenanceEvidence(source: source, value: "node graph (\(count) characters, not kept)", indicates: .assisted))
    }
    if let manifest = found.c2pa {
      result.c2pa = "present"
      for generator in manifest.claimGenerators {
        result.evidence.append(
          ProvenanceEvidence(source: "C2PA claim generator", value: clipped(generator), indicates: nil))
      }
      for action in manifest.actions {
        result.evidence.append(ProvenanceEvidence(source: "C2PA action", value: clipped(action), indicates: nil))
      }
      if manifest.claimGenerators.isEmpty && manifest.actions.isEmpty {
        result.evidence.append(ProvenanceEvidence(source: "C2PA manifest", value: "present", indicates: nil))
      }
    } else {
      result.c2pa = found.c2paExamined ? "absent" : "not examined"
    }
    return result
  }
}

/// Sets each examined file's evidence beside the declared AI use.
enum ProvenanceJudgement {
  /// The submission's provenance (nil when no image or video was examined and nothing is
  /// declared either), and a warning for each file that contradicts the declaration.
  static func judge(_ entries: [ZipStream.Entry], declarations: Declarations?) -> (ProvenanceReport, [Finding]) {
    let declared = declarations?.aiUse ?? .unknown
    var files: [FileProvenance] = []
    var warnings: [Finding] = []
    for entry in entries {
      guard let found = entry.provenance else { continue }
      let finding = ProvenanceRules.finding(
        evidence: found.evidence, hasManifest: found.hasManifest, declared: declared)
      files.append(FileProvenance(path: entry.path, finding: finding, c2pa: found.c2pa, evidence: found.evidence))
      if finding == .contradiction {
        let level = declared.level ?? 0
        let shown = found.evidence.filter { ($0.indicates?.level ?? -1) > level }
          .map { "\($0.source) \($0.value)" }
        warnings.append(
          Finding(
            .aiUseContradicted,
            "\"\(printable(entry.path))\" shows more AI use than the form declares (\"\(declared.label)\"): \(shown.joined(separator: "; ")). It is accepted; the organisers may want to ask the artist.",
            file: entry.path))
      }
    }
    return (
      ProvenanceReport(
        finding: ProvenanceRules.submission(files, declared: declared), declared: declared, files: files), warnings
    )
  }
}
