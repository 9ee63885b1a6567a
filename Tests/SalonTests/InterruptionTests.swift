import Catalog
import Foundation
import SampleContent
import Testing

/// Ctrl-C and crashes during ingest leave no half-ingested submission and no stray file, and
/// running the command again gives what an uninterrupted run gives.
@Suite(.serialized) struct InterruptionTests {
  let scratch = Scratch()

  /// A batch of zips large enough that ingest takes a moment.
  func makeBatch() -> String {
    for n in 1...4 {
      let payload = SampleMedia.mp4(seconds: 20, payloadBytes: 12 << 20)
      scratch.zip(
        "batch/\(n).zip", [("\(n)_main.mp4", payload), ("\(n)_description.pdf", Parts.description)], compress: false)
    }
    return scratch.path("batch")
  }

  func state(_ archive: String) throws -> (submissions: Int, versions: Int, temporary: [String], unreferenced: [String])
  {
    let opened = try SalonArchive.open(at: archive)
    let submissions = try opened.database.query("SELECT * FROM submission").count
    let versions = try opened.database.query("SELECT * FROM version").count
    let temporary = try FileManager.default.contentsOfDirectory(atPath: opened.temporaryRoot.path)
    let known = Set(try opened.database.query("SELECT sha256 FROM blob").map { try $0.string("sha256") })
    var unreferenced: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: opened.storeRoot.path)
    while let next = enumerator?.nextObject() as? String {
      let name = (next as NSString).lastPathComponent
      if name.count == 64 && !known.contains(name) { unreferenced.append(name) }
    }
    return (submissions, versions, temporary, unreferenced)
  }

  @Test func ctrlCStopsCleanlyAndARerunCompletes() throws {
    let batch = makeBatch()
    var interrupted = 0
    for (attempt, delay) in [0.05, 0.1, 0.2, 0.3, 0.5].enumerated() {
      let archive = scratch.path("a\(attempt)")
      try Binary.run(["init", "--title", "Salon", "--archive", archive])
      let process = try Binary.start(["ingest", batch, "--archive", archive])
      Thread.sleep(forTimeInterval: delay)
      kill(process.processIdentifier, SIGINT)
      process.waitUntilExit()
      let after = try state(archive)
      // 130: stopped cleanly; 0: done before the signal; a signal death: Ctrl-C came before the
      // handler was installed, when nothing had been written yet.
      #expect([0, 130].contains(process.terminationStatus) || process.terminationReason == .uncaughtSignal)
      #expect(after.temporary.isEmpty, "Ctrl-C leaves nothing in tmp/")
      #expect(after.submissions == after.versions, "every recorded submission has its whole version")
      if process.terminationStatus == 130 {
        interrupted += 1
        #expect(after.submissions < 4)
      }
      let rerun = try Binary.run(["ingest", batch, "--archive", archive, "--json"])
      #expect(rerun.status == 0)
      let final = try state(archive)
      #expect(final.submissions == 4 && final.versions == 4)
      #expect(final.temporary.isEmpty && final.unreferenced.isEmpty)
    }
    #expect(interrupted > 0, "at least one run was really interrupted")
  }

  @Test func aKilledIngestLeavesNothingHalfDoneAndARerunGivesTheSameResult() throws {
    let batch = makeBatch()
    let reference = scratch.path("reference")
    try Binary.run(["init", "--title", "Salon", "--archive", reference])
    let expected = try Binary.run(["ingest", batch, "--json", "--archive", reference])
    for (attempt, delay) in [0.02, 0.08, 0.15, 0.25, 0.4, 0.6].enumerated() {
      let archive = scratch.path("k\(attempt)")
      try Binary.run(["init", "--title", "Salon", "--archive", archive])
      let process = try Binary.start(["ingest", batch, "--archive", archive])
      Thread.sleep(forTimeInterval: delay)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let killed = try state(archive)
      #expect(killed.submissions == killed.versions, "no submission without its version")
      _ = try Binary.run(["ingest", batch, "--archive", archive])
      let final = try state(archive)
      #expect(final.submissions == 4 && final.versions == 4)
      #expect(final.temporary.isEmpty, "the next run clears what the killed one left in tmp/")
      #expect(final.unreferenced.isEmpty, "a file stored before the kill is adopted by the rerun")
      let list = try Binary.run(["submissions", "list", "--json", "--archive", archive])
      let reference = try Binary.run(["submissions", "list", "--json", "--archive", scratch.path("reference")])
      #expect(normalise(list.stdout) == normalise(reference.stdout))
    }
    #expect(expected.status == 0)
  }

  @Test func ctrlCStopsALongParsingStepWithinASecond() throws {
    // Many sound files, each probed and decode-checked by a sandboxed ffmpeg: far longer than a
    // test to check, so Ctrl-C lands while a decoder runs and must stop it, not wait for it.
    let sounds = (1...150).map {
      ("1_supplementary_\($0).wav", SampleMedia.wav(seconds: 1, frequency: Double(200 + $0)))
    }
    let zip = scratch.zip("slow/1.zip", Parts.valid("1") + sounds)
    let archive = scratch.path("slow-archive")
    try Binary.run(["init", "--title", "Salon", "--archive", archive])
    let process = try Binary.start(["ingest", zip, "--archive", archive])
    Thread.sleep(forTimeInterval: 3)
    #expect(process.isRunning, "still reading the description")
    let signalled = Date()
    kill(process.processIdentifier, SIGINT)
    while process.isRunning && Date().timeIntervalSince(signalled) < 10 { Thread.sleep(forTimeInterval: 0.02) }
    let took = Date().timeIntervalSince(signalled)
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    // About 0.4 s on an idle machine; the bound leaves room
    // for a machine busy with other tests while still telling a stop from a finished read.
    #expect(took < 3, "stopped \(took) s after Ctrl-C")
    let after = try state(archive)
    #expect(after.submissions == 0 && after.versions == 0, "nothing half-done is recorded")
    #expect(after.temporary.isEmpty && after.unreferenced.isEmpty)
  }

  /// Drops the receipt times, which differ between runs.
  func normalise(_ json: String) -> String {
    json.split(separator: "\n").filter { !$0.contains("\"receivedAt\"") }.joined(separator: "\n")
  }
}
