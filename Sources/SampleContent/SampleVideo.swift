/// A real, playable H.264 video in an MP4 container, made without an encoder: every macroblock
/// is sent uncompressed (I_PCM, which every H.264 decoder supports), every frame is an IDR
/// frame. Large for its length, but tiny clips are all the demo and the tests need.
package enum SampleVideo {
  /// An MP4 of `seconds` at `fps`, `width` × `height` (multiples of 16), showing a bar that
  /// moves across a gradient.
  package static func mp4(seconds: Double, width: Int = 320, height: Int = 240, fps: Int = 8) -> [UInt8] {
    precondition(width % 16 == 0 && height % 16 == 0, "the frame size must be a multiple of 16")
    let frames = max(1, Int(seconds * Double(fps)))
    let sps = nal(type: 7, sequenceParameterSet(width: width, height: height))
    let pps = nal(type: 8, pictureParameterSet())
    var samples: [[UInt8]] = []
    for index in 0..<frames {
      let slice = nal(type: 5, idrSlice(frame: index, of: frames, width: width, height: height))
      samples.append(SampleMedia.bigEndian32(slice.count) + slice)
    }
    return container(samples: samples, sps: sps, pps: pps, width: width, height: height, fps: fps)
  }

  // MARK: Bitstream

  struct BitWriter {
    var bytes: [UInt8] = []
    var current: UInt8 = 0
    var count = 0

    mutating func bit(_ value: Int) {
      current = current << 1 | UInt8(value & 1)
      count += 1
      if count == 8 {
        bytes.append(current)
        current = 0
        count = 0
      }
    }
    mutating func bits(_ value: Int, _ n: Int) { for i in stride(from: n - 1, through: 0, by: -1) { bit(value >> i) } }
    /// Unsigned Exp-Golomb.
    mutating func ue(_ value: Int) {
      let coded = value + 1
      let length = Int.bitWidth - coded.leadingZeroBitCount
      bits(0, length - 1)
      bits(coded, length)
    }
    mutating func se(_ value: Int) { ue(value <= 0 ? -2 * value : 2 * value - 1) }
    var aligned: Bool { count == 0 }
    mutating func alignWithZeros() { while !aligned { bit(0) } }
    mutating func trailing() {
      bit(1)
      alignWithZeros()
    }
    mutating func byte(_ value: UInt8) {
      precondition(aligned)
      bytes.append(value)
    }
  }

  static func sequenceParameterSet(width: Int, height: Int) -> [UInt8] {
    var w = BitWriter()
    w.bits(66, 8)  // Baseline profile
    w.bits(0b1100_0000, 8)  // constraint_set0 and set1
    w.bits(40, 8)  // level 4.0: room for uncompressed macroblocks
    w.ue(0)  // seq_parameter_set_id
    w.ue(0)  // log2_max_frame_num_minus4
    w.ue(2)  // pic_order_cnt_type: output order is decoding order
    w.ue(0)  // max_num_ref_frames
    w.bit(0)  // gaps_in_frame_num_value_allowed_flag
    w.ue(width / 16 - 1)
    w.ue(height / 16 - 1)
    w.bit(1)  // frame_mbs_only_flag
    w.bit(1)  // direct_8x8_inference_flag
    w.bit(0)  // frame_cropping_flag
    w.bit(0)  // vui_parameters_present_flag
    w.trailing()
    return w.bytes
  }

  static func pictureParameterSet() -> [UInt8] {
    var w = BitWriter()
    w.ue(0)  // pic_parameter_set_id
    w.ue(0)  // seq_parameter_set_id
    w.bit(0)  // entropy_coding_mode_flag: CAVLC
    w.bit(0)  // bottom_field_pic_order_in_frame_present_flag
    w.ue(0)  // num_slice_groups_minus1
    w.ue(0)  // num_ref_idx_l0_default_active_minus1
    w.ue(0)  // num_ref_idx_l1_default_active_minus1
    w.bit(0)  // weighted_pred_flag
    w.bits(0, 2)  // weighted_bipred_idc
    w.se(0)  // pic_init_qp_minus26
    w.se(0)  // pic_init_qs_minus26
    w.se(0)  // chroma_qp_index_offset
    w.bit(1)  // deblocking_filter_control_present_flag
    w.bit(0)  // constrained_intra_pred_flag
    w.bit(0)  // redundant_pic_cnt_present_flag
    w.trailing()
    return w.bytes
  }

  static func idrSlice(frame: Int, of frames: Int, width: Int, height: Int) -> [UInt8] {
    var w = BitWriter()
    w.ue(0)  // first_mb_in_slice
    w.ue(7)  // slice_type: I, every slice of the picture
    w.ue(0)  // pic_parameter_set_id
    w.bits(0, 4)  // frame_num
    w.ue(frame % 65_536)  // idr_pic_id
    w.bit(0)  // no_output_of_prior_pics_flag
    w.bit(0)  // long_term_reference_flag
    w.se(0)  // slice_qp_delta
    w.ue(1)  // disable_deblocking_filter_idc: off
    let bar = frames > 1 ? frame * (width - 32) / (frames - 1) : 0
    for mbY in 0..<(height / 16) {
      for mbX in 0..<(width / 16) {
        w.ue(25)  // mb_type I_PCM
        w.alignWithZeros()
        for y in 0..<16 {
          for x in 0..<16 {
            let px = mbX * 16 + x
            let py = mbY * 16 + y
            let onBar = px >= bar && px < bar + 32
            // Never 0: keeps start codes out of the samples (emulation prevention still runs).
            w.byte(UInt8(onBar ? 235 : 32 + (px + py) * 160 / (width + height)))
          }
        }
        for plane in 0..<2 {
          for y in 0..<8 {
            for x in 0..<8 {
              let onBar = mbX * 16 + x * 2 >= bar && mbX * 16 + x * 2 < bar + 32
              let value = plane == 0 ? 100 + (mbY * 8 + y) * 60 / height : 150 + (mbX * 8 + x) * 60 / width
              w.byte(UInt8(onBar ? 128 : value))
            }
          }
        }
      }
    }
    w.trailing()
    return w.bytes
  }

  /// A NAL unit (reference, `type`) with emulation-prevention bytes inserted.
  static func nal(type: Int, _ payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [UInt8(0x60 | type)]
    var zeros = 0
    for byte in payload {
      if zeros >= 2 && byte <= 3 {
        out.append(3)
        zeros = 0
      }
      out.append(byte)
      zeros = byte == 0 ? zeros + 1 : 0
    }
    return out
  }

  // MARK: MP4

  static func box(_ type: String, _ body: [UInt8]) -> [UInt8] { SampleMedia.box(type, body) }
  static func u32(_ v: Int) -> [UInt8] { SampleMedia.bigEndian32(v) }
  static func u16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
  static func full(_ type: String, version: UInt8 = 0, flags: Int = 0, _ body: [UInt8]) -> [UInt8] {
    box(type, [version, UInt8((flags >> 16) & 0xFF), UInt8((flags >> 8) & 0xFF), UInt8(flags & 0xFF)] + body)
  }

  static func container(samples: [[UInt8]], sps: [UInt8], pps: [UInt8], width: Int, height: Int, fps: Int) -> [UInt8] {
    let timescale = fps * 1000
    let duration = samples.count * 1000
    let matrix =
      u32(0x0001_0000) + u32(0) + u32(0) + u32(0) + u32(0x0001_0000) + u32(0) + u32(0) + u32(0) + u32(0x4000_0000)
    let ftyp = box("ftyp", Array("isom".utf8) + u32(512) + Array("isomiso2avc1mp41".utf8))
    let mvhd = full(
      "mvhd",
      u32(0) + u32(0) + u32(timescale) + u32(duration) + u32(0x0001_0000) + u16(0x0100)
        + [UInt8](repeating: 0, count: 10) + matrix + [UInt8](repeating: 0, count: 24) + u32(2))
    let tkhd = full(
      "tkhd", flags: 3,
      u32(0) + u32(0) + u32(1) + u32(0) + u32(duration) + [UInt8](repeating: 0, count: 8) + u16(0) + u16(0) + u16(0)
        + u16(0) + matrix + u32(width << 16) + u32(height << 16))
    let mdhd = full("mdhd", u32(0) + u32(0) + u32(timescale) + u32(duration) + u16(0x55C4) + u16(0))
    let hdlr = full("hdlr", u32(0) + Array("vide".utf8) + u32(0) + u32(0) + u32(0) + Array("Salon sample\0".utf8))
    let avcC = box("avcC", [1, sps[1], sps[2], sps[3], 0xFF, 0xE1] + u16(sps.count) + sps + [1] + u16(pps.count) + pps)
    let avc1 = box(
      "avc1",
      [UInt8](repeating: 0, count: 6) + u16(1) + [UInt8](repeating: 0, count: 16) + u16(width) + u16(height)
        + u32(0x0048_0000) + u32(0x0048_0000) + u32(0) + u16(1) + [UInt8](repeating: 0, count: 32) + u16(0x18)
        + u16(0xFFFF) + avcC)
    let stsd = full("stsd", u32(1) + avc1)
    let stts = full("stts", u32(1) + u32(samples.count) + u32(1000))
    let stsc = full("stsc", u32(1) + u32(1) + u32(samples.count) + u32(1))
    let stsz = full("stsz", u32(0) + u32(samples.count) + samples.flatMap { u32($0.count) })
    let ftypAndMoovWithoutOffset = { (offset: Int) -> [UInt8] in
      let stco = full("stco", u32(1) + u32(offset))
      let stbl = box("stbl", stsd + stts + stsc + stsz + stco)
      let vmhd = full("vmhd", flags: 1, u16(0) + u16(0) + u16(0) + u16(0))
      let dinf = box("dinf", full("dref", u32(1) + full("url ", flags: 1, [])))
      let minf = box("minf", vmhd + dinf + stbl)
      let mdia = box("mdia", mdhd + hdlr + minf)
      let trak = box("trak", tkhd + mdia)
      return ftyp + box("moov", mvhd + trak)
    }
    // The chunk offset depends on the header's own length, which does not depend on the offset.
    let headerLength = ftypAndMoovWithoutOffset(0).count
    let header = ftypAndMoovWithoutOffset(headerLength + 8)
    let payload = samples.flatMap { $0 }
    return header + u32(payload.count + 8) + Array("mdat".utf8) + payload
  }
}
