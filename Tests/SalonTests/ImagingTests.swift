import Foundation
import Imaging
import SampleContent
import Testing

/// The libvips wrapper on bad images: a typed error with one sentence, never a crash, never a
/// partial file, and the untrusted loaders stay blocked.
@Suite struct ImagingTests {
  let scratch = Scratch()

  /// A PNG whose pixel data has been overwritten: the header reads, the decoding fails.
  var corruptPNG: String {
    var bytes = SampleMedia.png(width: 50, height: 50)
    bytes.replaceSubrange(40..<bytes.count - 12, with: [UInt8](repeating: 7, count: bytes.count - 52))
    return scratch.write("corrupt.png", bytes)
  }

  @Test func aCorruptImageIsASentenceAndLeavesNoFile() throws {
    let path = corruptPNG
    do {
      _ = try Imaging.derivatives(of: path, widths: [40, 20], maxPixels: 1_000_000) { width in
        (scratch.path("out-\(width).webp"), scratch.path("out-\(width).jpg"))
      }
      Issue.record("a corrupt image made derivatives")
    } catch let error as ImagingError {
      #expect(error.description.first!.isUppercase && error.description.hasSuffix("."), "\(error)")
      #expect(!error.description.contains("\n"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
    #expect(left == ["corrupt.png"], "no derivative and no partial file")
  }

  @Test func aFileThatIsNotAnImageIsUnreadable() {
    let path = scratch.write("not.png", "hello, not an image")
    #expect {
      try Imaging.jpegPreview(of: path, width: 100, maxPixels: 1_000_000)
    } throws: { error in
      guard case .unreadable = error as? ImagingError else { return false }
      return "\(error)" == "The image cannot be read: it is damaged or in a format Salon does not open."
    }
  }

  @Test func anImageOverThePixelLimitIsRefusedFromItsHeader() {
    let path = scratch.write("big.png", SampleMedia.png(width: 3000, height: 1000))
    #expect(throws: ImagingError.tooLarge(width: 3000, height: 1000, limitMegapixels: 2)) {
      try Imaging.jpegPreview(of: path, width: 100, maxPixels: 2_000_000)
    }
  }

  @Test func loadersLibvipsMarksUntrustedStayBlocked() throws {
    // A valid PPM: libvips reads it, but marks its loader untrusted.
    let ppm = scratch.write("x.ppm", Array("P6\n2 2\n255\n".utf8) + [UInt8](repeating: 200, count: 12))
    #expect {
      try Imaging.size(of: ppm)
    } throws: { error in
      guard case .unreadable = error as? ImagingError else { return false }
      return true
    }
  }

  @Test func failuresOnManyThreadsEachGetTheirOwnErrorAndGoodImagesStillWork() throws {
    let good = scratch.write("good.png", SampleMedia.png(width: 64, height: 48))
    let bad = corruptPNG
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var outcomes: [Int: Result<Int, Error>] = [:]
    }
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 24) { index in
      let outcome = Result {
        try Imaging.jpegPreview(of: index % 2 == 0 ? good : bad, width: 32, maxPixels: 1_000_000).count
      }
      results.lock.withLock { results.outcomes[index] = outcome }
    }
    for (index, outcome) in results.outcomes {
      switch outcome {
      case .success(let count):
        #expect(index % 2 == 0 && count > 100)
      case .failure(let error):
        #expect(index % 2 == 1, "\(error)")
        #expect(error is ImagingError)
      }
    }
    #expect(results.outcomes.count == 24)
  }
}
