// Decodes the server's binary frames (docs/protocol.md, "Server → page, binary").
// Knows the byte layout only; what the arrays mean is for the widgets.

const MAGIC = "NNPF";
const VERSION = 1;
const HEADER_START = 9; // magic (4) + version (1) + header length (4)

const ARRAY_TYPES = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export class FrameError extends Error {}

/** One array of a frame, with its shape and the range its uint8 values stand for. */
export class FrameArray {
  constructor(spec, body) {
    const Type = ARRAY_TYPES[spec.dtype];
    if (!Type) throw new FrameError(`unknown dtype ${spec.dtype} for ${spec.name}`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const end = spec.offset + count * Type.BYTES_PER_ELEMENT;
    if (end > body.byteLength) throw new FrameError(`array ${spec.name} runs past the frame`);
    // A copy, so typed arrays never depend on the offset's alignment.
    this.data = new Type(body.slice(spec.offset, end));
    this.name = spec.name;
    this.dtype = spec.dtype;
    this.shape = spec.shape;
    this.range = spec.range ?? [-1, 1];
    this.ranges = spec.ranges ?? null;
  }

  /** Values per map: the last two axes (a (G, G) array is one map, (n, g, g) is n). */
  get mapSize() {
    return this.shape.length < 2 ? this.data.length : this.shape.at(-1) * this.shape.at(-2);
  }

  /** How many maps (or rows, for points) the array holds. */
  get length() {
    return this.data.length / this.mapSize;
  }

  /** The [lo, hi] that map i's uint8 values 0..255 stand for. */
  rangeOf(i = 0) {
    return this.ranges ? this.ranges[i] : this.range;
  }

  /** Map i, raw (still quantised for uint8). */
  slice(i = 0) {
    return this.data.subarray(i * this.mapSize, (i + 1) * this.mapSize);
  }

  /** Map i as the charts take it: {bytes, range}. */
  map(i = 0) {
    return { bytes: this.slice(i), range: this.rangeOf(i) };
  }

  /** Points (n, 2) as two plain arrays, for Plotly's x and y. */
  columns() {
    const xs = [];
    const ys = [];
    for (let k = 0; k < this.data.length; k += 2) {
      xs.push(this.data[k]);
      ys.push(this.data[k + 1]);
    }
    return [xs, ys];
  }
}

/** Decode one binary message into {header, arrays: {name: FrameArray}}. */
export async function decodeFrame(buffer) {
  if (buffer.byteLength < HEADER_START) throw new FrameError("frame shorter than its preamble");
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new FrameError(`not a frame (magic ${JSON.stringify(magic)})`);
  if (bytes[4] !== VERSION) throw new FrameError(`frame version ${bytes[4]}, expected ${VERSION}`);
  const headerLength = new DataView(buffer).getUint32(5, true);
  const headerEnd = HEADER_START + headerLength;
  if (headerEnd > buffer.byteLength) throw new FrameError("frame header runs past the frame");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_START, headerEnd)));
  let body = buffer.slice(headerEnd);
  if (header.compressed) body = await inflate(body);
  const arrays = {};
  for (const spec of header.arrays ?? []) arrays[spec.name] = new FrameArray(spec, body);
  return { header, arrays };
}

async function inflate(buffer) {
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).arrayBuffer();
}
