import Foundation
import Testing

/// The BagIt package, validated by the reference `bagit` validator (PyPI `bagit`).
@Suite(.serialized) struct BagTests {
  @Test func theBagIsValidAndHoldsOriginalsRecordsAndTheSite() throws {
    let f = GalleryFixture()
    try f.setUp()
    let bag = f.scratch.path("bag")
    let run = try Binary.run(["bag", "-o", bag, "--site", "--archive", f.archive])
    #expect(run.status == 0, "\(run.stderr)")
    let validator = try Tool.run(["bagit.py", "--validate", bag])
    #expect(validator.status == 0, "\(validator.output)")
    #expect(validator.output.contains("is valid"))

    let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
    #expect(info.contains("Payload-Oxum: "))
    #expect(info.contains("Bagging-Date: "))
    for name in ["manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "bagit.txt"] {
      #expect(FileManager.default.fileExists(atPath: bag + "/" + name))
    }
    let works =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bag + "/data/records/works.json")))
      as! [[String: Any]]
    #expect(works.count == 6)
    let dawn = works.first {
      ($0["dublinCore"] as! [String: Any])["dc:identifier"] as? String == "creative-ai-salon-2026/1"
    }!
    let dc = dawn["dublinCore"] as! [String: Any]
    #expect(dc["dc:creator"] as? String == "Ann Lee")
    #expect((dc["dc:rights"] as? String)?.contains("granted non-exclusive rights") == true)
    let originals = dawn["originals"] as! [[String: Any]]
    let zip = bag + "/" + (originals[0]["file"] as! String)
    #expect(SHA.of(zip) == originals[0]["sha256"] as? String, "the zip as received")
    #expect(FileManager.default.fileExists(atPath: bag + "/data/records/events.json"))
    #expect(FileManager.default.fileExists(atPath: bag + "/data/site/index.html"))
    // Never over an existing folder.
    #expect(try Binary.run(["bag", "-o", bag, "--archive", f.archive]).status == 1)
  }
}
