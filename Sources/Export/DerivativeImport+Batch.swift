import Basics
import Foundation
import MediaTools

/// The cache import's pictures checked in batches: starting the worker in its sandbox cost more
/// than decoding a photograph's four pictures, so one run checks the pictures of several folders
/// (up to `DerivativeCheck.batchPictures` pictures or `batchBytes` bytes).
///
/// A batch must not let one folder's bytes reach another's: a picture that took the decoder over
/// could make it write anything for the other pictures of its run. So a folder is taken from a
/// batch's run only when every one of its pictures decoded at the size its entry gives and came
/// back byte for byte as the node sent it (an honest node's pictures have no metadata to strip).
/// Any other folder (a picture that did not decode, was another size, or lost metadata), and
/// every folder of a run that failed as a whole (the worker died, ran out of time, or replied
/// nonsense), is checked again alone, in a run of its own, exactly as if there were no batches:
/// that run's verdict and its stripped copies are the ones kept.
extension DerivativeImport {
  struct Context {
    var from: URL
    var plannedRoot: URL
    var cache: DerivativeCache
    var scratchRoot: String
    var limits: SandboxLimits
    var sandbox: Sandbox
  }

  /// A folder that passed every check up to its pictures' decoding, with its pictures' bytes
  /// (read once, for the worker's bundle) and the size its entry gives each.
  struct Prepared {
    var name: String
    var source: URL
    var line: PlannedDerivative
    var entry: PublishedMedia
    var boundary: NodeDerivation.Boundary
    var files: Set<String>
    var pictures: [String]
    var sizes: [(Int, Int)]
    var parts: [Data]
    /// Where its files wait for the cache; removed with the value.
    var scratch: PrivateFolder
    var bytes: Int { parts.reduce(0) { $0 + $1.count } }
  }

  /// Takes the folders `names`, reporting each one's outcome (or refusal) as it is known.
  static func take(_ names: [String], _ context: Context, report: (String, Result<Outcome, Error>) -> Void) {
    var batch: [Prepared] = []
    func flush() {
      guard !batch.isEmpty else { return }
      checkTogether(batch, context, report: report)
      batch = []
    }
    for name in names {
      do {
        guard let prepared = try prepare(name, context) else {
          report(name, .success(.cached))
          continue
        }
        if !batch.isEmpty,
          batch.reduce(0, { $0 + $1.pictures.count }) + prepared.pictures.count > DerivativeCheck.batchPictures
            || batch.reduce(0, { $0 + $1.bytes }) + prepared.bytes > DerivativeCheck.batchBytes
        {
          flush()
        }
        batch.append(prepared)
      } catch {
        report(name, .failure(error))
      }
    }
    flush()
  }

  /// One worker run for the pictures of `batch`; what it cannot vouch for is checked alone.
  static func checkTogether(_ batch: [Prepared], _ context: Context, report: (String, Result<Outcome, Error>) -> Void) {
    let withPictures = batch.filter { !$0.pictures.isEmpty }
    guard withPictures.count > 1 else {
      for prepared in batch { report(prepared.name, Result { try checkAlone(prepared, context) }) }
      return
    }
    for prepared in batch where prepared.pictures.isEmpty {
      report(prepared.name, Result { try finish(prepared, checked: [], context) })
    }
    // The run's folder is kept (with its checked copies) until the last folder is finished.
    let run = Result { () throws -> (PrivateFolder, PrivateFolder, [ImageSize?]) in
      let job = try PrivateFolder(in: context.scratchRoot, prefix: "batch-")
      let bundle = job.file("bundle")
      guard
        FileManager.default.createFile(atPath: bundle, contents: DerivativeCheck.bundle(withPictures.flatMap(\.parts)))
      else { throw ExportError.output("Salon could not write \(bundle).") }
      let output = try PrivateFolder(in: job.path, prefix: "check-")
      let checked = try context.sandbox.run(
        DerivativeCheck(maxPixels: withPictures.map(\.line.maxPixels).map { min(max($0, 1), 100_000_000) }.max() ?? 1),
        input: bundle, folder: output.path)
      return (job, output, checked)
    }
    guard case .success(let (job, output, checked)) = run,
      checked.count == withPictures.reduce(0, { $0 + $1.pictures.count })
    else {
      for prepared in withPictures { report(prepared.name, Result { try checkAlone(prepared, context) }) }
      return
    }
    var offset = 0
    for prepared in withPictures {
      let indices = offset..<offset + prepared.pictures.count
      offset += prepared.pictures.count
      let vouched = indices.allSatisfy { index in
        guard let size = checked[index], size.width == prepared.sizes[index - indices.lowerBound].0,
          size.height == prepared.sizes[index - indices.lowerBound].1,
          // (The worker's reply and the node's entry are both untrusted: multiplied with care.)
          case let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height), !overflow,
          pixels <= min(max(prepared.line.maxPixels, 1), 100_000_000)
        else { return false }
        let path = output.file(DerivativeCheck.output(index))
        return MediaBuilder.isRegularFile(path)
          && (try? InputFile.read(
            path, limit: prepared.parts[index - indices.lowerBound].count + 1, followingLinks: false))
            .map { Data($0) == prepared.parts[index - indices.lowerBound] } == true
      }
      report(
        prepared.name,
        Result {
          guard vouched else { return try checkAlone(prepared, context) }
          return try finish(prepared, checked: indices.map { output.file(DerivativeCheck.output($0)) }, context)
        })
    }
    withExtendedLifetime(job) {}
  }

  /// The folder's pictures in a worker run of their own: its verdict stands, and its stripped
  /// copies are kept.
  static func checkAlone(_ prepared: Prepared, _ context: Context) throws -> Outcome {
    let name = prepared.name
    guard !prepared.pictures.isEmpty else { return try finish(prepared, checked: [], context) }
    let bundle = prepared.scratch.file("bundle")
    guard FileManager.default.createFile(atPath: bundle, contents: DerivativeCheck.bundle(prepared.parts)) else {
      throw ExportError.output("Salon could not write \(bundle).")
    }
    let job = try PrivateFolder(in: prepared.scratch.path, prefix: "check-")
    let checked = try context.sandbox.run(
      DerivativeCheck(maxPixels: min(max(prepared.line.maxPixels, 1), 100_000_000)), input: bundle, folder: job.path)
    unlink(bundle)
    guard checked.count == prepared.pictures.count else {
      throw ImportRefusal(code: "derivative-damaged", message: "\(name): the decoder did not check every picture.")
    }
    for (index, file) in prepared.pictures.enumerated() {
      guard let size = checked[index] else {
        throw ImportRefusal(
          code: "derivative-damaged", message: "\(name)/\(file) does not decode wholly as a still WebP or JPEG.")
      }
      guard size.width == prepared.sizes[index].0, size.height == prepared.sizes[index].1,
        MediaBuilder.isRegularFile(job.file(DerivativeCheck.output(index)))
      else {
        throw ImportRefusal(
          code: "derivative-damaged", message: "\(name)/\(file) is not the picture its entry says it is.")
      }
    }
    return try finish(
      prepared, checked: prepared.pictures.indices.map { job.file(DerivativeCheck.output($0)) }, context)
  }
}
