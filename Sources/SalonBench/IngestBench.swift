import Foundation
import SampleContent
import Zip

/// Row 1: one ~100 MB submission that is accepted (a random-PCM WAV and a 2-page description),
/// ingested into a new archive, against the same durable work done by hand: `bsdtar -xf`, then
/// `openssl dgst -sha256` of every file, then `sync` of every file written. Paired runs, each
/// pair alternating, medians; plain `bsdtar -xf` beside it.
extension Bench {
  /// A WAV of pseudo-random 16-bit stereo samples at 48 kHz: incompressible, and read whole by
  /// the decode check, as a long recording is.
  static func randomWAV(bytes: Int) -> [UInt8] {
    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xFF) } }
    func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> ($0 * 8)) & 0xFF) } }
    let data = bytes / 4 * 4
    var out = Array("RIFF".utf8) + le32(36 + data) + Array("WAVEfmt ".utf8) + le32(16)
    out += le16(1) + le16(2) + le32(48_000) + le32(48_000 * 4) + le16(4) + le16(16)
    out += Array("data".utf8) + le32(data)
    out += SampleMedia.pseudoRandomBytes(data, seed: 25)
    return out
  }

  mutating func ingestLarge() throws {
    say("1. ingest of one ~100 MB accepted submission vs the same durable work by hand and bsdtar -xf")
    let load = Self.loadAverage()
    let runs = quick ? 3 : 7
    let zips = path("large-zips")
    let zip = zips + "/large.zip"
    if !FileManager.default.fileExists(atPath: zip) {
      try FileManager.default.createDirectory(atPath: zips, withIntermediateDirectories: true)
      let writer = try ZipWriter(path: zip, compress: true)
      try writer.add("large_main.wav", bytes: Self.randomWAV(bytes: 95 * 1_000_000))
      try writer.add("large_description.pdf", bytes: SampleMedia.pdf(pages: 2))
      try writer.close()
    }
    let form = path("large-form.csv")
    try Data("id,title,rights,authorship\nlarge,Large,yes,yes\n".utf8).write(to: URL(fileURLWithPath: form))
    let size = (try FileManager.default.attributesOfItem(atPath: zip)[.size] as! NSNumber).intValue
    let archive = path("large-archive")
    func ingest() throws -> Measurement {
      remove("large-archive")
      _ = try salonRun(["init", "--title", "Bench", "--archive", archive])
      let measured = try Measure.run(
        [salon, "ingest", zip, "--form", form, "--json", "--archive", archive], environment: ["SALON_ACTOR": "bench"],
        output: path("large-ingest.json"), sampleTree: true)
      let report = (try? String(contentsOfFile: path("large-ingest.json"), encoding: .utf8)) ?? ""
      guard measured.status == 0, report.contains("\"accepted\"") else {
        throw BenchError("row 1's submission was not accepted: \(report.prefix(600))")
      }
      return measured
    }
    let unpacked = path("large-by-hand")
    let byHandScript =
      "bsdtar -xf \"$1\" -C \"$2\" && find \"$2\" -type f -exec openssl dgst -sha256 {} + >/dev/null"
      + " && find \"$2\" -type f -exec sync {} +"
    func byHand() throws -> Measurement {
      remove("large-by-hand")
      try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
      return try Measure.run(["sh", "-c", byHandScript, "sh", zip, unpacked])
    }
    func bsdtar() throws -> Measurement {
      remove("large-bsdtar")
      try FileManager.default.createDirectory(atPath: path("large-bsdtar"), withIntermediateDirectories: true)
      return try Measure.run(["bsdtar", "-xf", zip, "-C", path("large-bsdtar")])
    }
    _ = try Measure.run(["cat", zip])  // the zip in the page cache for every run
    _ = try ingest()  // warm-up: the dynamic linker's files and the tools
    var ours: [Measurement] = []
    var hand: [Measurement] = []
    var plain: [Measurement] = []
    for _ in 0..<runs {
      ours.append(try ingest())
      hand.append(try byHand())
      plain.append(try bsdtar())
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let wall = median(ours.map(\.seconds))
    let cpu = median(ours.map(\.cpuSeconds))
    let peak = ours.map(\.selfPeakMB).max() ?? 0
    let handWall = median(hand.map(\.seconds))
    let handCPU = median(hand.map(\.cpuSeconds))
    let tarWall = median(plain.map(\.seconds))
    let pairRatio = median(Swift.zip(ours, hand).map { $0.seconds / $1.seconds })
    let stored = Self.bytes(under: archive + "/store")
    let archiveRatio = Double(stored) / Double(size)
    let met = pairRatio <= 1.2 && archiveRatio <= 1.05 && peak <= 64
    rows.append(
      row(
        "1", "ingest one \(mb(size)) accepted submission (random-PCM WAV + 2-page PDF)",
        String(
          format: "%.0f ms (CPU %.0f ms), peak %.0f MB; archive %.2fx the zip", wall * 1000, cpu * 1000, peak,
          archiveRatio),
        String(
          format:
            "by hand (`bsdtar -xf` + `openssl dgst -sha256` of each file + `sync` of each): %.0f ms (CPU %.0f ms); `bsdtar -xf` alone: %.0f ms",
          handWall * 1000, handCPU * 1000, tarWall * 1000),
        String(format: "%.2fx by hand, %.2fx bsdtar", pairRatio, wall / tarWall),
        "≤ 1.2x by hand, archive ≤ 1.05x, ≤ 64 MB", met))
    note(
      "1", start: load,
      "Medians of \(runs) rounds, each `salon ingest --form` into a new archive (after an untimed `salon init`), "
        + "then the work by hand, then `bsdtar -xf`, all from the page cache. The ratio is the median of each "
        + "round's ratio. Salon copies the zip as received into the store (hashed once, flushed) while it unpacks "
        + "and hashes each file for the confined decoders (ffprobe, the decode check, pdfinfo, exiftool), whose "
        + "copies are removed; the by-hand `sync` flushes exactly the files it wrote. Peak memory is salon's own "
        + "(VmHWM, sampled), the archive ratio the store's bytes over the zip's.")
  }

  /// Bytes of the regular files under `folder`.
  static func bytes(under folder: String) -> Int {
    var total = 0
    for path in (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? [] {
      var status = stat()
      if lstat(folder + "/" + path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { total += Int(status.st_size) }
    }
    return total
  }
}
