import Foundation
import SampleContent
import Testing

/// A call of photographs (and one sound) whose media work another machine does: the plan, GNU
/// parallel over a real ssh connection to a second "node", the import, and a site byte for byte
/// the one-machine export's.
struct DistributedCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var twin: String { scratch.path("twin") }
  var work: String { scratch.path("work") }

  /// `photos` JPEGs of 1600 × 1200 with a GPS position in their EXIF, one WAV and one film.
  func setUp(photos: Int = 3) throws {
    #expect(try Binary.run(["init", "--title", "Far Salon", "--year", "2026", "--archive", archive]).status == 0)
    let description = SampleMedia.pdf(pages: 1, title: "About")
    var form =
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
    var ids: [String] = []
    for index in 1...photos {
      let jpeg = scratch.path("made-\(index).jpg")
      try Self.tool(
        "/usr/bin/ffmpeg",
        [
          "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=1600x1200:r=1:d=1,hue=h=\(index * 37)",
          "-frames:v", "1", jpeg,
        ])
      let photo = SampleMedia.withGPSMetadata(Array(FileManager.default.contents(atPath: jpeg)!))
      scratch.zip("in/\(index).zip", [("\(index)_main.jpg", photo), ("\(index)_description.pdf", description)])
      ids.append("\(index)")
    }
    scratch.zip(
      "in/99.zip", [("99_main.wav", SampleMedia.wav(seconds: 2)), ("99_description.pdf", description)])
    ids.append("99")
    // A film with sound, so the web video's last clean copy is made on both sides too.
    let film = scratch.path("made-film.mp4")
    try Self.tool(
      "/usr/bin/ffmpeg",
      [
        "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-f", "lavfi", "-i",
        "sine=frequency=330:duration=1", "-c:v", "libx264", "-c:a", "aac", "-shortest", film,
      ])
    scratch.zip(
      "in/98.zip",
      [("98_main.mp4", Array(FileManager.default.contents(atPath: film)!)), ("98_description.pdf", description)])
    ids.append("98")
    for id in ids {
      form += "\(id),Work \(id),Artist \(id),a\(id)@private.example,Photograph,A statement.,,,no,,no,yes,yes,none,\n"
    }
    scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive,
    ])
    #expect(ingest.stdout.contains("\(ids.count) zips: \(ids.count) accepted"), "\(ingest.stdout)")
    for id in ids {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", archive]).status == 0)
    }
    // The same archive twice: one exports alone, the other spreads its media work.
    try Self.tool("/bin/cp", ["-a", archive, twin])
  }

  @discardableResult
  static func tool(_ path: String, _ arguments: [String], in folder: String? = nil) throws -> String {
    let (status, text) = try run(path, arguments, in: folder)
    #expect(status == 0, "\(path) \(arguments): \(text)")
    return text
  }

  /// Output and errors through one pipe read to its end before the wait (as `Binary.run`).
  static func run(_ path: String, _ arguments: [String], in folder: String? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    // A hang (a login that waits for a password) fails the test instead of blocking the suite.
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + 600) { [process] in
      if process.isRunning { kill(pid, SIGKILL) }
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func plan() throws -> [String: Any] {
    let run = try Binary.run([
      "export", "--plan", work + "/plan.tsv", "--json", "--archive", twin,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    return try Binary.json(run) as! [String: Any]
  }

  var planLines: [String] {
    String(decoding: FileManager.default.contents(atPath: work + "/plan.tsv") ?? Data(), as: UTF8.self)
      .split(separator: "\n").map(String.init)
  }
}

/// Debian's sshd on 127.0.0.1 and a free port, with a throwaway host key and client key, for
/// one test: started with `-D` (no daemon) by a shell that runs `work` while it listens, then
/// stops it by its process id. (The shell, not the test, is sshd's parent: Foundation's `Process`
/// stopped noticing its other children end while sshd was one of them.)
struct LoopbackNode {
  let folder: String
  let port = LoopbackNode.freePort()
  var sshCommand: String {
    "ssh -p \(port) -i \(folder)/client -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes"
  }
  var login: String { "\(NSUserName())@127.0.0.1" }

  init(in folder: String) throws {
    self.folder = folder
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for key in ["host", "client"] {
      try DistributedCall.tool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(folder)/\(key)"])
    }
    try FileManager.default.copyItem(atPath: "\(folder)/client.pub", toPath: "\(folder)/authorized_keys")
    // sshd run by root wants its privilege separation folder, which only a running system sshd
    // would otherwise have made.
    if geteuid() == 0 {
      try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
    }
    let config = """
      Port \(port)
      ListenAddress 127.0.0.1
      HostKey \(folder)/host
      AuthorizedKeysFile \(folder)/authorized_keys
      PidFile \(folder)/sshd.pid
      StrictModes no
      UsePAM no
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      PermitRootLogin prohibit-password
      AllowUsers \(NSUserName())
      """
    FileManager.default.createFile(atPath: "\(folder)/sshd_config", contents: Data((config + "\n").utf8))
  }

  /// Runs `work` (a shell command) while sshd listens; its status and output.
  func whileListening(_ work: String, in directory: String) throws -> (Int32, String) {
    let script = """
      /usr/sbin/sshd -D -e -f "$1/sshd_config" >"$1/sshd.log" 2>&1 </dev/null &
      sshd=$!
      trap 'kill $sshd 2>/dev/null; wait $sshd 2>/dev/null' EXIT
      for i in $(seq 100); do \(sshCommand) \(login) true 2>/dev/null && break; sleep 0.1; done
      \(work)
      """
    return try DistributedCall.run("/bin/sh", ["-c", script, "sh", folder], in: directory)
  }

  /// A port the kernel just handed out on the loopback interface, closed again for sshd.
  static func freePort() -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}

@Suite(.serialized) struct DistributedDeriveTests {
  @Test func aPlanRunThroughParallelOverSSHGivesTheOneMachineSite() throws {
    let call = DistributedCall()
    try call.setUp()
    let alone = try Binary.run(["export", "-o", call.scratch.path("site-alone"), "--json", "--archive", call.archive])
    #expect(alone.status == 0, "\(alone.stderr)")

    let plan = try call.plan()
    #expect(plan["planned"] as? Int == 5, "\(plan)")
    #expect(call.planLines.count == 5)
    // The originals leave the archive, named by their SHA-256, for the nodes.
    let originals = try FileManager.default.contentsOfDirectory(atPath: call.work + "/originals")
    #expect(originals.count == 5 && originals.allSatisfy { $0.count == 64 })

    let node = try LoopbackNode(in: call.scratch.path("node"))
    call.scratch.write("nodes", "2/\(node.login)\n")
    let remote = call.scratch.path("remote-work")
    let parallel = [
      "parallel", "--will-cite", "--sshloginfile", call.scratch.path("nodes"), "--ssh", "'\(node.sshCommand)'",
      "--colsep", "'\t'", "--workdir", remote, "--transferfile", "'originals/{1}'", "--return", "'derived/{2}'",
      "--cleanup", Binary.url.path, "derive", "--recipe", "'{3}'", "--originals", "originals", "-o", "derived",
      "::::", "plan.tsv",
    ].joined(separator: " ")
    let (status, output) = try node.whileListening(parallel, in: call.work)
    #expect(status == 0, "\(output)")
    // Made on the node, in its own folder, and brought back.
    let derived = try FileManager.default.contentsOfDirectory(atPath: call.work + "/derived").sorted()
    #expect(derived == call.planLines.map { String($0.split(separator: "\t")[1]) }.sorted())

    let imported = try Binary.run(["cache", "import", call.work + "/derived", "--json", "--archive", call.twin])
    #expect(imported.status == 0, "\(imported.stdout) \(imported.stderr)")
    let report = try Binary.json(imported) as! [String: Any]
    #expect(report["imported"] as? Int == 5, "\(report)")

    let spread = try Binary.run(["export", "-o", call.scratch.path("site-spread"), "--json", "--archive", call.twin])
    #expect(spread.status == 0, "\(spread.stderr)")
    let spreadReport = try Binary.json(spread) as! [String: Any]
    #expect(spreadReport["derivativesMade"] as? Int == 0, "\(spreadReport)")
    let one = GalleryFixture.files(in: call.scratch.path("site-alone"))
    let two = GalleryFixture.files(in: call.scratch.path("site-spread"))
    #expect(one.keys.sorted() == two.keys.sorted())
    #expect(one.keys.filter { one[$0] != two[$0] }.sorted() == [])
    // Nothing of the node's run stays there.
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: remote + "/originals")) ?? []).isEmpty)
  }

  @Test func theImportRefusesWhatWasNotPlannedLinksAndOtherToolsAndRecordsAPod() throws {
    let call = DistributedCall()
    try call.setUp(photos: 2)
    _ = try call.plan()
    let lines = call.planLines
    let photo = try #require(lines.first { $0.contains("image/jpeg") })
    let recipe = String(photo.split(separator: "\t")[2])
    let keyID = String(photo.split(separator: "\t")[1])

    // Another machine with other tool versions makes other keys: it says so and makes nothing.
    let other = try Binary.run(
      ["derive", "--recipe", recipe, "--originals", call.work + "/originals", "-o", call.work + "/other"],
      environment: ["SALON_TOOL_VERSIONS": "ffmpeg=0.1"])
    #expect(other.status == 1)
    #expect(other.stdout.contains("tools-differ"), "\(other.stdout)")

    // A pod declared the boundary: made with limits only, and the import records it.
    let pod = try Binary.run([
      "derive", call.work + "/plan.tsv", "--originals", call.work + "/originals", "-o", call.work + "/derived",
      "--pod-is-the-boundary",
    ])
    #expect(pod.status == 0, "\(pod.stdout) \(pod.stderr)")
    #expect(pod.stderr.contains("boundary"))
    let made = call.work + "/derived/" + keyID
    let entryFiles = try FileManager.default.contentsOfDirectory(atPath: made).filter { $0.hasSuffix(".jpg") }
    let jpeg = try #require(entryFiles.first)

    // A hostile node: metadata slipped into a picture is stripped on the way in; a folder the
    // archive never planned, and a link, are refused.
    let tagged = SampleMedia.withGPSMetadata(Array(FileManager.default.contents(atPath: made + "/" + jpeg)!))
    FileManager.default.createFile(atPath: made + "/" + jpeg, contents: Data(tagged))
    // A sound whose rendition carries a tag and a second track: both are gone after the import.
    let sound = try #require(lines.first { $0.contains("audio/") })
    let soundFolder = call.work + "/derived/" + String(sound.split(separator: "\t")[1])
    let m4a = try #require(
      try FileManager.default.contentsOfDirectory(atPath: soundFolder).first { $0.hasSuffix(".m4a") })
    let tampered = call.scratch.path("tampered.m4a")
    try DistributedCall.tool(
      "/usr/bin/ffmpeg",
      [
        "-v", "error", "-nostdin", "-y", "-i", soundFolder + "/" + m4a, "-map", "0", "-map", "0", "-c", "copy",
        "-metadata", "title=SECRET PLACE", "-f", "mp4", tampered,
      ])
    try FileManager.default.removeItem(atPath: soundFolder + "/" + m4a)
    try FileManager.default.moveItem(atPath: tampered, toPath: soundFolder + "/" + m4a)
    // A film whose rendition is the size of a 1920 × 1080 original: refused, made at home.
    let filmLine = try #require(lines.first { $0.contains("video/") })
    let filmFolder = call.work + "/derived/" + String(filmLine.split(separator: "\t")[1])
    let mp4 = try #require(
      try FileManager.default.contentsOfDirectory(atPath: filmFolder).first { $0.hasSuffix(".mp4") })
    try FileManager.default.removeItem(atPath: filmFolder + "/" + mp4)
    try DistributedCall.tool(
      "/usr/bin/ffmpeg",
      [
        "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=1", "-c:v", "libx264",
        "-f", "mp4", filmFolder + "/" + mp4,
      ])
    let stranger = call.work + "/derived/" + String(repeating: "a", count: 64)
    try FileManager.default.createDirectory(atPath: stranger, withIntermediateDirectories: true)
    let linked = call.work + "/derived/" + String(repeating: "b", count: 64)
    try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: made)

    let run = try Binary.run(["cache", "import", call.work + "/derived", "--json", "--archive", call.twin])
    #expect(run.status == 1)
    let report = try Binary.json(run) as! [String: Any]
    #expect(report["imported"] as? Int == lines.count - 1, "\(report)")
    let refused = (report["refused"] as? [[String: Any]] ?? []).map { $0["code"] as? String ?? "" }
    #expect(
      refused.sorted() == ["derivative-files-unexpected", "derivative-not-planned", "derivative-not-planned"],
      "\(report)")
    let boundaries = report["boundaries"] as? [String: Int]
    #expect(boundaries == ["pod": lines.count - 1], "\(report)")
    let log = try Binary.run(["log", "--json", "--archive", call.twin])
    #expect(log.stdout.contains("cache-import") && log.stdout.contains("madeUnconfined"), "\(log.stdout)")

    // The export finds every derivative in the cache, and no GPS position reaches the site.
    let site = call.scratch.path("site")
    let export = try Binary.run(["export", "-o", site, "--json", "--archive", call.twin])
    #expect(export.status == 0, "\(export.stderr)")
    // Only the refused film is made at home.
    #expect((try Binary.json(export) as! [String: Any])["derivativesMade"] as? Int == 1)
    for (path, data) in GalleryFixture.files(in: site) where path.hasSuffix(".jpg") {
      #expect(data.range(of: Data("Exif".utf8)) == nil, "\(path)")
    }
    let published = GalleryFixture.files(in: site).filter { $0.0.hasSuffix(".m4a") }
    #expect(published.count == 1)
    for (path, data) in published {
      #expect(data.range(of: Data("SECRET PLACE".utf8)) == nil, "\(path)")
      let streams = try DistributedCall.tool(
        "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", site + "/" + path])
      #expect(streams.split(separator: "\n") == ["audio"], "\(streams)")
    }
  }
}
