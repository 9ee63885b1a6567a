import Foundation

/// What a file says about how it was made, as exiftool read it: only the fields that bear on AI
/// use, never the rest of its metadata (places, serial numbers, faces).
package struct EmbeddedProvenance: Equatable, Sendable {
  /// IPTC's `DigitalSourceType` in XMP (`http://cv.iptc.org/newscodes/digitalsourcetype/…`).
  package var digitalSourceTypes: [String] = []
  /// XMP `CreatorTool`.
  package var creatorTools: [String] = []
  /// EXIF `Software`, and a PNG `Software` text chunk (NovelAI writes its name there).
  package var software: [String] = []
  /// A PNG `parameters` text chunk: Stable Diffusion web UIs write the prompt and settings there.
  package var parameters: [String] = []
  /// ComfyUI's PNG `prompt` and `workflow` chunks (its node graph, prompt included).
  package var comfyPrompts: [String] = []
  package var comfyWorkflows: [String] = []
  /// Whether exiftool 12.57 can find a C2PA manifest in this type at all (JPEG and PNG only).
  package var c2paExamined = false
  /// The C2PA manifest store, when one is embedded. Present is not proof: nothing here
  /// validates its signature.
  package var c2pa: C2PAManifest?

  package init() {}
}

/// A C2PA manifest as exiftool decodes its JUMBF boxes, unvalidated.
package struct C2PAManifest: Equatable, Sendable {
  package var claimGenerators: [String] = []
  /// Each action (`c2pa.created`…), with the digital source type it names, if any.
  package var actions: [String] = []
  package init() {}
}

/// Reads a file's embedded provenance with exiftool: JSON (`-j`), numbers unconverted, only the
/// tags named, the file's own type found from its bytes and the extension Salon detected. No
/// configuration file is read (`-config ""`), so nothing but exiftool's own code runs.
package struct ProvenanceRead: MediaCommand {
  /// The extension for the detected type (`png`, `jpg`, `mp4`…): exiftool tries that type first.
  package var fileExtension: String
  package var tool: MediaTool { .exiftool }

  /// The name exiftool is given: a link in the private folder to the descriptor Salon opened,
  /// named with the type Salon detected, since the stored file has no extension.
  package static let linkName = "input"

  package init(fileExtension: String) {
    let cleaned = fileExtension.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    self.fileExtension = cleaned.isEmpty ? "bin" : String(cleaned.prefix(8))
  }

  /// The tags read, by exiftool group: nothing else of the file's metadata is printed.
  static let tags = [
    "-File:FileType", "-XMP-iptcExt:DigitalSourceType", "-XMP-xmp:CreatorTool", "-EXIF:Software", "-PNG:Software",
    "-PNG:Parameters", "-PNG:Prompt", "-PNG:Workflow", "-JUMBF:JUMDLabel", "-JUMBF:JUMDType",
    "-CBOR:Claim_generator", "-CBOR:Actions",
  ]

  package func arguments(demuxer: String?, folder: String) -> [String] {
    // `-G3:1` prefixes each tag with its document (`Doc1-1:`), so the boxes of a C2PA manifest
    // do not overwrite one another in the JSON; `-a` keeps duplicates.
    ["-config", "", "-j", "-G3:1", "-n", "-struct", "-a", "-q", "-q"] + Self.tags + [
      folder + "/" + Self.linkName + "." + fileExtension
    ]
  }

  /// The types in which exiftool 12.57 looks for C2PA's JUMBF boxes.
  static let c2paTypes: Set<String> = ["JPEG", "PNG"]

  /// C2PA's JUMBF description type for a manifest store: "c2pa" and the ISO suffix.
  static let manifestStoreType = "6332706100110010800000aa00389b71"

  /// The provenance in exiftool's JSON (one object per file; the first is used); nil when the
  /// output is not that JSON (cut short at the output limit by a file stuffed with text, say).
  package static func parse(_ json: Data) -> EmbeddedProvenance? {
    var found = EmbeddedProvenance()
    guard let list = try? JSONSerialization.jsonObject(with: json) as? [Any],
      let fields = list.first as? [String: Any]
    else { return nil }
    var manifest = C2PAManifest()
    var hasManifest = false
    for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
      let parts = key.split(separator: ":").map(String.init)
      guard parts.count >= 2 else { continue }
      let group = parts[parts.count - 2]
      let tag = parts[parts.count - 1]
      switch (group, tag) {
      case ("File", "FileType"): found.c2paExamined = c2paTypes.contains(text(value) ?? "")
      case ("XMP-iptcExt", "DigitalSourceType"): found.digitalSourceTypes += texts(value)
      case ("XMP-xmp", "CreatorTool"): found.creatorTools += texts(value)
      case (_, "Software") where group == "PNG" || group.hasPrefix("IFD") || group == "ExifIFD":
        found.software += texts(value)
      case ("PNG", "Parameters"): found.parameters += texts(value)
      case ("PNG", "Prompt"): found.comfyPrompts += texts(value)
      case ("PNG", "Workflow"): found.comfyWorkflows += texts(value)
      case ("JUMBF", "JUMDLabel"): if texts(value).contains("c2pa") { hasManifest = true }
      case ("JUMBF", "JUMDType"):
        if texts(value).map({ $0.lowercased() }).contains(manifestStoreType) { hasManifest = true }
      case ("CBOR", "Claim_generator"): manifest.claimGenerators += texts(value)
      case ("CBOR", "Actions"): manifest.actions += actions(value)
      default: break
      }
    }
    if hasManifest || !manifest.claimGenerators.isEmpty { found.c2pa = manifest }
    return found
  }

  /// A string, or a number printed as one.
  static func text(_ value: Any) -> String? {
    if let s = value as? String { return s }
    if let n = value as? NSNumber { return n.stringValue }
    return nil
  }

  /// A tag's values: one or a list (XMP bags), empty strings dropped.
  static func texts(_ value: Any) -> [String] {
    let values = (value as? [Any]) ?? [value]
    return values.compactMap(text).filter { !$0.isEmpty }
  }

  /// `c2pa.created (…/trainedAlgorithmicMedia)` for each action of a C2PA actions assertion.
  static func actions(_ value: Any) -> [String] {
    let values = (value as? [Any]) ?? [value]
    return values.compactMap { item in
      guard let action = item as? [String: Any], let name = action["action"].flatMap(text) else {
        return text(item)
      }
      if let source = action["digitalSourceType"].flatMap(text) { return "\(name) (\(source))" }
      return name
    }
  }
}

extension Sandbox {
  /// The embedded provenance of the file at `path`, whose type Salon detected as
  /// `fileExtension`. Throws a `MediaToolError` when exiftool cannot read it.
  package func embeddedProvenance(_ path: String, fileExtension: String, workingFolder: String) throws
    -> EmbeddedProvenance
  {
    let command = ProvenanceRead(fileExtension: fileExtension)
    // The link resolves in exiftool's own process, to the descriptor Salon handed it.
    let link = workingFolder + "/" + ProvenanceRead.linkName + "." + command.fileExtension
    try? FileManager.default.removeItem(atPath: link)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Sandbox.inputPath)
    let output = try Self.unreadableWhenFailed {
      try run(
        command.tool, command.arguments(demuxer: nil, folder: workingFolder), input: path,
        workingFolder: workingFolder)
    }
    guard let found = ProvenanceRead.parse(output) else { throw MediaToolError.unreadable }
    return found
  }
}
