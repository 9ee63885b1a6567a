import Foundation
import MediaTools
import Testing

/// A job's folder that is a link (left by an earlier tool that could write beside it) is never
/// bound into the sandbox: bubblewrap would follow it to wherever it points.
@Suite struct LinkedFolderTests {
  struct WriteNote: MediaCommand {
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      [
        "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=duration=0.1", "-f", "wav", "-y",
        folder + "/note.wav",
      ]
    }
  }

  @Test func aJobFolderThatIsALinkIsRefusedAndNothingIsWrittenWhereItPoints() throws {
    let scratch = Scratch()
    let elsewhere = scratch.path("elsewhere")
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    let job = scratch.path("job")
    try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
    // The same command runs in a real folder.
    try Sandbox().run(WriteNote(), input: nil, folder: job)
    #expect(FileManager.default.fileExists(atPath: job + "/note.wav"))
    let linked = scratch.path("linked")
    try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: elsewhere)
    #expect(throws: MediaToolError.self) { try Sandbox().run(WriteNote(), input: nil, folder: linked) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
  }
}
