import Foundation
import MediaTools
import SampleContent
import Testing

/// libvips's modules inside the sandbox: the HEIF one (HEIC and AVIF) is there, ImageMagick,
/// poppler, OpenSlide and JPEG XL are not, so no confined tool can map their code.
@Suite struct WorkerModulesTests {
  /// ffmpeg reading any file as raw 8-bit sound: it succeeds exactly when the file is there.
  struct ReadRaw: MediaCommand {
    var path: String
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      ["-nostdin", "-v", "error", "-f", "u8", "-ar", "8000", "-ac", "1", "-i", "file:" + path, "-f", "null", "-"]
    }
  }

  static var modulesFolder: String? {
    let lib = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []
    for architecture in lib {
      let folder = "/usr/lib/" + architecture
      if let name = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).first(where: {
        $0.hasPrefix("vips-modules-")
      }) {
        return folder + "/" + name
      }
    }
    return nil
  }

  @Test func onlyTheHEIFModuleIsInTheSandbox() throws {
    // Debian's libvips42 ships its loaders as modules; set-up installs it.
    let modules = try #require(Self.modulesFolder)
    let present = try FileManager.default.contentsOfDirectory(atPath: modules)
    #expect(present.contains("vips-heif.so") && present.contains("vips-magick.so"), "\(present)")
    let scratch = Scratch()
    let sandbox = Sandbox()
    try sandbox.run(ReadRaw(path: modules + "/vips-heif.so"), input: nil, folder: scratch.url.path)
    for name in present where name != "vips-heif.so" {
      #expect(throws: MediaToolError.self, "\(name) is out of the sandbox") {
        try sandbox.run(ReadRaw(path: modules + "/" + name), input: nil, folder: scratch.url.path)
      }
    }
  }

  @Test func anAVIFPhotographIsCheckedAndPublishedThroughTheHEIFModule() throws {
    let scratch = Scratch()
    let png = scratch.path("made.png")
    let avif = scratch.path("made.avif")
    for arguments in [["black", png, "96", "64", "--bands", "3"], ["copy", png, avif]] {
      let vips = Process()
      vips.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
      vips.arguments = arguments
      try vips.run()
      vips.waitUntilExit()
      #expect(vips.terminationStatus == 0, "vips \(arguments)")
    }
    let bytes = try #require(FileManager.default.contents(atPath: avif))
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "AVIF", "--year", "2026", "--archive", archive]).status == 0)
    let zip = scratch.zip(
      "in/1.zip", [("1_main.avif", Array(bytes)), ("1_description.pdf", SampleMedia.pdf(pages: 1, title: "About"))])
    let form = scratch.write("form.csv", "id,title,rights,authorship\n1,Dark,yes,yes\n")
    let ingest = try Binary.run(["ingest", zip, "--form", form, "--archive", archive])
    #expect(ingest.stdout.contains("1 accepted"), "\(ingest.stdout) \(ingest.stderr)")
    #expect(try Binary.run(["submissions", "decide", "1", "selected", "--archive", archive]).status == 0)
    let site = scratch.path("site")
    let export = try Binary.run(["export", "-o", site, "--archive", archive])
    #expect(export.status == 0, "\(export.stderr)")
    let published = GalleryFixture.files(in: site).map(\.0).filter { $0.hasPrefix("media/") && $0.hasSuffix(".webp") }
    #expect(!published.isEmpty, "\(export.stdout)")
  }
}
