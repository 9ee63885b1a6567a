import Basics
import Catalog
import Foundation
import MediaTools
import Synchronization

/// `salon cache import DIR`: derivatives another machine made from a plan, taken in as untrusted
/// input. A folder enters the archive's cache only when its name is the key of a line this
/// archive planned, it holds regular files only (no link, no folder), exactly the files its
/// `entry.json` lists (each one of the planned original's own names, within the size limit) and
/// its `derived.json`, and every picture decodes wholly in the sandbox and comes back without
/// metadata (a web video or sound decodes wholly in the sandbox too). Anything else is refused
/// with a code and a sentence, and the export at home makes that derivative itself.
package enum DerivativeImport {
  package struct Refusal: Codable, Equatable, Sendable {
    package var folder: String
    package var code: String
    package var message: String
  }

  package struct Report: Codable, Sendable {
    package var folder: String
    package var imported = 0
    package var alreadyCached = 0
    package var refused: [Refusal] = []
    /// Imported derivatives by how their node confined its tools (`sandbox`, `pod`, `unconfined`).
    package var boundaries: [String: Int] = [:]
  }

  static let entryLimit = 1 << 20

  package static func run(
    from folder: URL, archive: SalonArchive, limits: SandboxLimits, isCancelled: @escaping @Sendable () -> Bool,
    progress: @Sendable (Int, Int) -> Void
  ) throws -> Report {
    let listed: [String]
    do {
      listed = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    } catch {
      throw ExportError.output(
        FileProblem.sentence(for: error, path: folder.path, writing: false)?.description
          ?? "Salon cannot read the folder \(folder.path).")
    }
    // What a derive that was killed left half-made is not offered.
    let names = listed.filter { !AtomicFile.isPartial($0) }
    let plannedRoot = Exporter.plannedRoot(archive)
    let cache = DerivativeCache(archive: archive)
    cache.sweepPartials()
    let scratch = try PrivateFolder(in: archive.temporaryRoot.path, prefix: "import-")
    let scratchRoot = scratch.path
    let found = Mutex(Report(folder: folder.path))
    let sandbox = Sandbox(limits: limits, isCancelled: isCancelled)
    // Folders in batches: each batch's pictures are checked in one run of the worker. Never
    // fewer batches than cores, so a few folders of films (each decoded for up to ten minutes)
    // still keep every core busy.
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let size = max(1, min(batchFolders, (names.count + cores - 1) / cores))
    let batches = stride(from: 0, to: names.count, by: size).map { Array(names[$0..<min($0 + size, names.count)]) }
    DispatchQueue.concurrentPerform(iterations: batches.count) { index in
      if isCancelled() { return }
      let context = Context(
        from: folder, plannedRoot: plannedRoot, cache: cache, scratchRoot: scratchRoot, limits: limits,
        sandbox: sandbox)
      take(batches[index], context) { name, result in
        let count = found.withLock { report in
          report.add(name, result)
          return report.imported + report.alreadyCached + report.refused.count
        }
        progress(count, names.count)
      }
    }
    if isCancelled() { throw ExportError.interrupted }
    var report = found.withLock { $0 }
    report.refused.sort { $0.folder < $1.folder }
    try archive.record(
      "cache-import", exhibition: nil,
      detail: [
        "folder": folder.path, "imported": report.imported, "alreadyCached": report.alreadyCached,
        "refused": report.refused.count, "boundaries": report.boundaries,
        // Derivatives made where the organiser declared the pod the boundary, or with no sandbox.
        "madeUnconfined": report.boundaries.filter { $0.key != NodeDerivation.Boundary.sandbox.rawValue }.values
          .reduce(0, +),
      ])
    return report
  }

  struct ImportRefusal: Error {
    var code: String
    var message: String
  }

  enum Outcome { case cached, imported(NodeDerivation.Boundary) }

  /// The most bytes one imported picture may have: a 2400 px WebP is well under a megabyte, and
  /// every picture of a batch is held in memory at once for the sandboxed check.
  static let pictureLimit = 16 << 20
  /// The most pictures one folder may hold (a photograph has four, a sound's card seven).
  static let folderPictures = 64
  /// Folders taken together: their checks up to the pictures one by one, then all their
  /// pictures in one run of the worker (see `take(_:_:_:)`).
  static let batchFolders = 32

  /// A folder's checks up to its pictures' decoding: nil when the cache already holds its key.
  static func prepare(_ name: String, _ context: Context) throws -> Prepared? {
    let (folder, plannedRoot, cache, limits) = (context.from, context.plannedRoot, context.cache, context.limits)
    let source = folder.appendingPathComponent(name)
    var status = stat()
    guard PlannedDerivative.isHash(name), lstat(source.path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
      throw ImportRefusal(
        code: "derivative-not-planned",
        message: "\(name) is not a folder named by the key of a plan line, so it is not taken.")
    }
    let record = plannedRoot.appendingPathComponent(name + ".json")
    guard let recorded = try? InputFile.read(record.path, limit: 128 * 1024, followingLinks: false),
      let line = PlannedDerivative(line: Substring(String(decoding: recorded, as: UTF8.self)))
    else {
      throw ImportRefusal(
        code: "derivative-not-planned",
        message:
          "This archive planned no derivative with the key \(name) (`salon export --plan` writes the keys it takes).")
    }
    if cache.contains(line.key) { return nil }
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: source.path)) ?? []
    for file in contents {
      var fileStatus = stat()
      guard lstat(source.appendingPathComponent(file).path, &fileStatus) == 0,
        fileStatus.st_mode & S_IFMT == S_IFREG
      else {
        throw ImportRefusal(
          code: "derivative-not-regular", message: "\(name)/\(file) is not a regular file (a link or a folder).")
      }
      guard fileStatus.st_size <= off_t(clamping: limits.fileBytes) else {
        throw ImportRefusal(code: "derivative-too-large", message: "\(name)/\(file) is over the file size limit.")
      }
    }
    guard
      let entryBytes = try? InputFile.read(
        source.appendingPathComponent(DerivativeCache.entryName).path, limit: entryLimit, followingLinks: false),
      let entry = try? JSONDecoder().decode(PublishedMedia.self, from: Data(entryBytes)),
      let madeBytes = try? InputFile.read(
        source.appendingPathComponent(NodeDerivation.derivedName).path, limit: 64 * 1024, followingLinks: false),
      let made = try? JSONDecoder().decode(NodeDerivation.Made.self, from: Data(madeBytes)),
      made.key == line.key
    else {
      throw ImportRefusal(
        code: "derivative-unreadable",
        message: "\(name) has no readable entry.json and derived.json for the planned key.")
    }
    let own = "media/\(line.sha.prefix(2))/\(line.sha)"
    let files = Set(entry.files)
    let expected = Set(files.map(DerivativeCache.fileName)).union([
      DerivativeCache.entryName, NodeDerivation.derivedName,
    ])
    // The kind the planned original can give: a photograph comes back as pictures alone.
    let family = MediaBuilder.family(line.type)
    let kinds: Set<PublishedMedia.Kind> =
      family == .image ? [.image, .animation] : family == .video ? [.video, .audio] : [family]
    guard entry.text == nil, !files.isEmpty, entry.kind != .pdf, entry.kind != .text, kinds.contains(entry.kind),
      entry.kind != .image || entry.rendition == nil,
      files.allSatisfy({
        SiteFolder.isSafe($0) && $0.hasPrefix(own)
          // The rest of the name as Salon writes it: letters, digits, '.', '-' and '_' only (a
          // space or comma would add candidates to a srcset).
          && $0.utf8.dropFirst(own.utf8.count).allSatisfy({
            (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 46 || $0 == 45
              || $0 == 95
          })
      }),
      expected.count == files.count + 2, Set(contents) == expected
    else {
      throw ImportRefusal(
        code: "derivative-files-unexpected",
        message: "\(name) does not hold exactly the files its entry lists, each named for its own original.")
    }
    // Pictures by name, with the size the entry gives them.
    var sizes: [String: (Int, Int)] = [:]
    for size in entry.sizes + entry.pages.flatMap({ $0 }) {
      sizes[size.webp] = (size.width, size.height)
      if let jpeg = size.jpeg { sizes[jpeg] = (size.width, size.height) }
    }
    // An audio card's waveform pictures, checked like any other picture.
    for picture in entry.waveform ?? [] { sizes[picture.file] = (picture.width, picture.height) }
    // No picture wider than the recipe makes (a node cannot publish the original at full size).
    let widest = max(Exporter.widths.max() ?? 0, CardWaveform.widths.max() ?? 0)
    guard sizes.values.allSatisfy({ $0.0 >= 1 && $0.0 <= widest && $0.1 >= 1 && $0.1 <= 1_000_000 }) else {
      throw ImportRefusal(
        code: "derivative-files-unexpected", message: "\(name) holds a picture wider than Salon's recipe makes.")
    }
    // Every picture read once, for the worker's bundle.
    let pictures = files.sorted().filter { sizes[$0] != nil && ($0.hasSuffix(".webp") || $0.hasSuffix(".jpg")) }
    guard pictures.count <= folderPictures else {
      throw ImportRefusal(code: "derivative-files-unexpected", message: "\(name) holds too many pictures.")
    }
    var parts: [Data] = []
    for file in pictures {
      let bytes = try InputFile.read(
        source.appendingPathComponent(DerivativeCache.fileName(file)).path,
        limit: min(limits.fileBytes, Self.pictureLimit), followingLinks: false)
      // (An empty one would spoil the whole batch's bundle, and is no picture anyway.)
      guard !bytes.isEmpty else {
        throw ImportRefusal(code: "derivative-damaged", message: "\(name)/\(file) is empty.")
      }
      parts.append(Data(bytes))
    }
    return Prepared(
      name: name, source: source, line: line, entry: entry, boundary: made.boundary, files: files,
      pictures: pictures, sizes: pictures.map { sizes[$0]! }, parts: parts,
      scratch: try PrivateFolder(in: context.scratchRoot, prefix: "entry-"))
  }

  /// Into the cache: each picture's checked copy (`checked[i]` for `pictures[i]`), each web video
  /// or sound copied out of the node's folder and decoded wholly in the sandbox.
  static func finish(_ prepared: Prepared, checked: [String], _ context: Context) throws -> Outcome {
    let (name, source, entry, scratch) = (prepared.name, prepared.source, prepared.entry, prepared.scratch)
    func target(_ file: String) throws -> String {
      let path = scratch.path + "/" + file
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      return path
    }
    for (index, file) in prepared.pictures.enumerated() {
      guard rename(checked[index], try target(file)) == 0 else {
        throw ExportError.output("Salon could not keep \(name)/\(file) in its scratch folder.")
      }
    }
    for file in prepared.files.sorted() where !prepared.pictures.contains(file) {
      let input = source.appendingPathComponent(DerivativeCache.fileName(file)).path
      guard file == entry.rendition, file.hasSuffix(".mp4") || file.hasSuffix(".m4a") else {
        throw ImportRefusal(
          code: "derivative-files-unexpected", message: "\(name)/\(file) is no kind of file Salon publishes here.")
      }
      // Copied first and the copy checked and kept: the node's folder may change after the check.
      let copy = scratch.file("rendition-copy")
      try OwnerOnly.copyFile(input, to: copy)
      let job = try PrivateFolder(in: scratch.path, prefix: "check-")
      try context.sandbox.run(DecodeCheck(seconds: 600), input: copy, demuxer: "mov", folder: job.path)
      let clean = try RenditionCheck.cleaned(
        copy, isVideo: entry.kind != .audio, maxSide: min(max(prepared.line.videoMaxSide, 16), 16_384),
        sandbox: context.sandbox, scratch: scratch, name: "rendition-clean")
      guard let clean else {
        throw ImportRefusal(
          code: "derivative-files-unexpected",
          message:
            "\(name)/\(file) is not the web rendition Salon makes (H.264 and AAC in MP4, at most the video size).")
      }
      guard rename(clean, try target(file)) == 0 else {
        throw ExportError.output("Salon could not keep \(name)/\(file) in its scratch folder.")
      }
    }
    context.cache.store(entry, key: prepared.line.key, from: URL(fileURLWithPath: scratch.path))
    guard context.cache.contains(prepared.line.key) else {
      throw ExportError.output("Salon could not keep \(name) in the archive's cache.")
    }
    return .imported(prepared.boundary)
  }
}

extension DerivativeImport.Report {
  /// One folder's outcome, or why it was refused.
  mutating func add(_ folder: String, _ result: Result<DerivativeImport.Outcome, Error>) {
    do {
      switch try result.get() {
      case .cached: alreadyCached += 1
      case .imported(let boundary):
        imported += 1
        boundaries[boundary.rawValue, default: 0] += 1
      }
    } catch let refusal as DerivativeImport.ImportRefusal {
      refused.append(.init(folder: folder, code: refusal.code, message: refusal.message))
    } catch {
      let (_, message) = NodeDerivation.describe(error)
      refused.append(.init(folder: folder, code: "derivative-damaged", message: "Refused: \(message)"))
    }
  }
}
