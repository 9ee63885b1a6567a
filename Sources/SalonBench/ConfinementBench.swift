import Foundation
import SampleContent
import Zip

/// Row 11: what the media sandbox costs. One accepted submission (a photograph, a 10 s film and
/// its description) ingested into a new archive, confined and with `SALON_UNCONFINED_MEDIA=1`,
/// in alternating runs; the difference divided by the tool runs that ingest starts.
extension Bench {
  mutating func confinementCost() throws {
    let runs = max(mediaRuns, 5)
    let load = Self.loadAverage()
    say("11. ingest of one accepted submission, confined under bubblewrap and with the sandbox off")
    let zips = root.appendingPathComponent("confinement-zips")
    try? FileManager.default.removeItem(at: zips)
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    let writer = try ZipWriter(path: zips.appendingPathComponent("1.zip").path, compress: false)
    try writer.add("1_main.png", bytes: SampleMedia.png(width: 1600, height: 1200, seed: 11))
    try writer.add("1_video.mp4", bytes: try SampleClip.mp4(seconds: 10))
    try writer.add("1_description.pdf", bytes: SampleMedia.pdf(pages: 1))
    try writer.close()
    try Data("id,title,rights,authorship\n1,Confined,yes,yes\n".utf8)
      .write(to: URL(fileURLWithPath: path("confinement-form.csv")))
    func ingest(unconfined: Bool) throws -> Measurement {
      remove("confinement-archive")
      _ = try salonRun(["init", "--title", "Confinement", "--archive", path("confinement-archive")])
      let arguments = [
        salon, "ingest", zips.path, "--form", path("confinement-form.csv"), "--archive", path("confinement-archive"),
      ]
      var environment = ["SALON_ACTOR": "bench"]
      if unconfined { environment["SALON_UNCONFINED_MEDIA"] = "1" }
      let measured = try Measure.run(arguments, environment: environment)
      guard measured.status == 0 else { throw BenchError("the confinement bench's ingest failed") }
      return measured
    }
    var confined: [Double] = []
    var unconfined: [Double] = []
    _ = try ingest(unconfined: false)  // warm-up: the page cache and the dynamic linker
    for _ in 0..<runs {
      confined.append(try ingest(unconfined: false).seconds)
      unconfined.append(try ingest(unconfined: true).seconds)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let (with, without) = (median(confined), median(unconfined))
    // The image worker's check, ffprobe, the packet count, the decode check, pdfinfo and the
    // provenance read: the confined tool runs of this submission's ingest.
    let toolRuns = 6.0
    rows.append(
      row(
        "11", "ingest one accepted submission (1600×1200 PNG, 10 s film, 1-page PDF), every tool confined",
        String(format: "%.0f ms", with * 1000),
        String(format: "the same with `SALON_UNCONFINED_MEDIA=1` (limits only): %.0f ms", without * 1000),
        String(
          format: "%.2fx time; %+.0f ms per confined tool run", with / without, (with - without) / toolRuns * 1000),
        "reported", true))
    note(
      "11", start: load,
      "Medians of \(runs) alternating runs of `salon init` then `salon ingest` into a new archive (only the "
        + "ingest timed). Confined, each of the submission's \(Int(toolRuns)) tool runs starts under "
        + "bubblewrap (namespaces, seccomp, setpriv, timeout, prlimit); unconfined, under prlimit only.")
  }
}
