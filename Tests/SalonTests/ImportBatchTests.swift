import Foundation
import Imaging
import MediaTools
import SampleContent
import Testing

/// `salon cache import` checks the pictures of many folders in one worker run: one damaged
/// folder refuses only itself, a folder whose pictures must be stripped is stripped, and the
/// honest folders of the same run enter the cache byte for byte as their node made them.
@Suite(.serialized) struct ImportBatchTests {
  @Test func oneRunChecksSeveralFoldersAndRefusesOnlyTheDamagedOnes() throws {
    let call = DistributedCall()
    try call.setUp(photos: 4)
    _ = try call.plan()
    let derived = call.work + "/derived"
    let made = try Binary.run([
      "derive", call.work + "/plan.tsv", "--originals", call.work + "/originals", "-o", derived,
    ])
    #expect(made.status == 0, "\(made.stdout) \(made.stderr)")
    let folders = try FileManager.default.contentsOfDirectory(atPath: derived).sorted()
    #expect(folders.count == 6)
    func files(_ folder: String) throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: derived + "/" + folder).sorted()
    }
    func file(_ folder: String, endingWith suffix: String) throws -> String {
      derived + "/" + folder + "/" + (try #require(try files(folder).first { $0.hasSuffix(suffix) }))
    }
    // The photographs' folders (their largest picture is the -2400 one, 1600 px wide here).
    let photos = try folders.filter { try files($0).contains { $0.hasSuffix("-2400.webp") } }
    #expect(photos.count == 4)
    let (truncated, tagged, resized, honest) = (photos[0], photos[1], photos[2], photos[3])
    let sound = try #require(try folders.first { try files($0).contains { $0.hasSuffix(".m4a") } })

    // A picture cut short; metadata slipped into a JPEG; a 480 px picture that is really 1200 px.
    let large = try file(truncated, endingWith: "-2400.webp")
    let largeBytes = try #require(FileManager.default.contents(atPath: large))
    FileManager.default.createFile(atPath: large, contents: largeBytes.prefix(largeBytes.count - 700))
    let jpeg = try file(tagged, endingWith: ".jpg")
    let plain = Array(try #require(FileManager.default.contents(atPath: jpeg)))
    FileManager.default.createFile(atPath: jpeg, contents: Data(SampleMedia.withGPSMetadata(plain)))
    let wide = try #require(FileManager.default.contents(atPath: try file(resized, endingWith: "-1200.webp")))
    FileManager.default.createFile(atPath: try file(resized, endingWith: "-480.webp"), contents: wide)
    var sent: [String: [Data]] = [:]
    for folder in [honest, sound] {
      sent[folder] = try files(folder).filter { $0.hasSuffix(".webp") || $0.hasSuffix(".jpg") }
        .map { try #require(FileManager.default.contents(atPath: derived + "/" + folder + "/" + $0)) }
    }

    let run = try Binary.run(["cache", "import", derived, "--json", "--archive", call.twin])
    #expect(run.status == 1)
    let report = try Binary.json(run) as! [String: Any]
    #expect(report["imported"] as? Int == 4, "\(report)")
    let refused = (report["refused"] as? [[String: Any]] ?? []).map {
      ($0["folder"] as? String ?? "", $0["code"] as? String ?? "", $0["message"] as? String ?? "")
    }
    #expect(refused.map(\.0) == [truncated, resized].sorted(), "\(refused)")
    #expect(refused.allSatisfy { $0.1 == "derivative-damaged" }, "\(refused)")
    let cutShort = try #require(refused.first { $0.0 == truncated })
    #expect(cutShort.2.contains("-2400.webp") && cutShort.2.contains("does not decode wholly"), "\(cutShort)")
    let other = try #require(refused.first { $0.0 == resized })
    #expect(other.2.contains("-480.webp") && other.2.contains("is not the picture its entry says"), "\(other)")

    // What entered the cache: the honest folders' pictures as sent, the tagged JPEG stripped.
    let cache = call.twin + "/cache/derivatives"
    func cached(_ folder: String) throws -> [Data] {
      let path = cache + "/" + folder.prefix(2) + "/" + folder
      return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        .filter { $0.hasSuffix(".webp") || $0.hasSuffix(".jpg") }
        .map { try #require(FileManager.default.contents(atPath: path + "/" + $0)) }
    }
    for folder in [honest, sound] {
      #expect(try cached(folder).sorted { $0.count < $1.count } == sent[folder]!.sorted { $0.count < $1.count })
    }
    let taggedPictures = try cached(tagged)
    #expect(taggedPictures.count == 4)
    #expect(taggedPictures.contains(Data(plain)))
    #expect(taggedPictures.allSatisfy { $0.range(of: Data("Exif".utf8)) == nil })
    for folder in [truncated, resized] {
      #expect(!FileManager.default.fileExists(atPath: cache + "/" + folder.prefix(2) + "/" + folder))
    }
  }
}

/// The worker's decoders: a picture decodes wholly or is refused.
@Suite struct DerivativeDecodeTests {
  static func pictures() throws -> (webp: [UInt8], jpeg: [UInt8]) {
    let scratch = Scratch()
    let png = scratch.write("in.png", SampleMedia.png(width: 640, height: 480, seed: 3))
    let made = try Imaging.derivatives(of: png, widths: [640], maxPixels: 100_000_000) { width in
      (scratch.path("out-\(width).webp"), scratch.path("out-\(width).jpg"))
    }
    #expect(made.count == 1)
    return (
      Array(try #require(FileManager.default.contents(atPath: scratch.path("out-640.webp")))),
      Array(try #require(FileManager.default.contents(atPath: scratch.path("out-640.jpg"))))
    )
  }

  @Test func whole() throws {
    let (webp, jpeg) = try Self.pictures()
    #expect(Imaging.decodedSize(webp, maxPixels: 1_000_000) == ImageSize(width: 640, height: 480))
    #expect(Imaging.decodedSize(jpeg, maxPixels: 1_000_000) == ImageSize(width: 640, height: 480))
    // More pixels than allowed: refused before decoding.
    #expect(Imaging.decodedSize(webp, maxPixels: 640 * 480 - 1) == nil)
    #expect(Imaging.decodedSize(jpeg, maxPixels: 640 * 480 - 1) == nil)
  }

  @Test func withAlphaOrLossless() throws {
    let scratch = Scratch()
    let png = scratch.write("in.png", SampleMedia.png(width: 64, height: 48, seed: 5))
    // A lossy picture with an alpha plane (VP8X, ALPH, VP8), and a lossless one (VP8L).
    try DistributedCall.tool("/usr/bin/vips", ["bandjoin_const", png, scratch.path("alpha.webp") + "[Q=80]", "200"])
    try DistributedCall.tool("/usr/bin/vips", ["copy", png, scratch.path("lossless.webp") + "[lossless]"])
    for name in ["alpha.webp", "lossless.webp"] {
      let bytes = Array(try #require(FileManager.default.contents(atPath: scratch.path(name))))
      #expect(Imaging.decodedSize(bytes, maxPixels: 10_000) == ImageSize(width: 64, height: 48), "\(name)")
      #expect(Imaging.decodedSize(Array(bytes.prefix(bytes.count - 9)), maxPixels: 10_000) == nil, "\(name)")
    }
  }

  @Test func cutShortOrAnimatedOrNeither() throws {
    let (webp, jpeg) = try Self.pictures()
    #expect(Imaging.decodedSize(Array(webp.prefix(webp.count * 2 / 3)), maxPixels: 1_000_000) == nil)
    // libjpeg makes up a missing end and only warns; the check refuses it.
    #expect(Imaging.decodedSize(Array(jpeg.prefix(jpeg.count * 2 / 3)), maxPixels: 1_000_000) == nil)
    #expect(Imaging.decodedSize(Array("not a picture".utf8), maxPixels: 1_000_000) == nil)
    // The same frame as a one-frame animation: not a still, so not checked as one.
    let frame = Array(webp.dropFirst(12))
    func chunk(_ name: String, _ payload: [UInt8]) -> [UInt8] {
      Array(name.utf8) + SampleMedia.littleEndian32(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
    }
    func u24(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF)] }
    let body =
      chunk("VP8X", [0x02, 0, 0, 0] + u24(639) + u24(479)) + chunk("ANIM", [0, 0, 0, 0, 0, 0])
      + chunk("ANMF", u24(0) + u24(0) + u24(639) + u24(479) + u24(100) + [0] + frame)
    let animated = Array("RIFF".utf8) + SampleMedia.littleEndian32(body.count + 4) + Array("WEBP".utf8) + body
    #expect(Imaging.decodedSize(animated, maxPixels: 1_000_000) == nil)
  }
}
