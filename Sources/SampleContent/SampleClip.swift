import Foundation
import MediaTools

/// Real, encoded media for the demo and the benchmarks, made by Debian's ffmpeg through the
/// sandbox: a clip with picture and sound, a song.
package enum SampleClip {
  /// An H.264/AAC MP4 of a moving test picture with a beeping tone.
  package static func mp4(seconds: Double, width: Int = 640, height: Int = 360, frequency: Int = 440) throws -> [UInt8]
  {
    try make(TestPattern(.video(width: width, height: height), seconds: seconds, frequency: frequency))
  }

  /// An MP3 of a beeping tone.
  package static func mp3(seconds: Double, frequency: Int = 330) throws -> [UInt8] {
    try make(TestPattern(.mp3, seconds: seconds, frequency: frequency))
  }

  static func make(_ pattern: TestPattern) throws -> [UInt8] {
    let folder = try PrivateFolder(in: FileManager.default.temporaryDirectory.path)
    try Sandbox().run(pattern, input: nil, folder: folder.path)
    guard let data = FileManager.default.contents(atPath: folder.file(pattern.output)) else {
      throw MediaToolError.unreadable
    }
    return Array(data)
  }
}
