// Decodes the server's binary frames (docs/protocol.md, "Server → page, binary").
// Knows the byte layout only; what the arrays mean is for the widgets.

const MAGIC = "NNPF";
const VERSION = 2;
const BODY_START = 10; // magic (4) + version (1) + flags (1) + header length (4)
const COMPRESSED = 1; // flag: the body (header and arrays) is one zlib stream
const STREAMED = 2; // flag: the body continues this connection's zlib stream
const STREAM_START = 4; // with STREAMED: a new stream starts with this frame

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

/**
 * One connection's decoder. A map sent as a delta holds its change from the last
 * frame that carried its name (mod 256), so the decoder keeps those codes; a new
 * connection needs a new decoder (its first frame carries whole maps).
 */
export class FrameDecoder {
  constructor() {
    this.maps = new Map(); // name → the codes the last frame with that name carried
    this.stream = null; // the connection's zlib stream, for STREAMED frames
  }

  /** Decode one binary message into {header, arrays: {name: FrameArray}}. */
  async decode(buffer) {
    if (buffer.byteLength < BODY_START) throw new FrameError("frame shorter than its preamble");
    const bytes = new Uint8Array(buffer);
    const magic = String.fromCharCode(...bytes.subarray(0, 4));
    if (magic !== MAGIC) throw new FrameError(`not a frame (magic ${JSON.stringify(magic)})`);
    if (bytes[4] !== VERSION) throw new FrameError(`frame version ${bytes[4]}, expected ${VERSION}`);
    const headerLength = new DataView(buffer).getUint32(6, true);
    const flags = bytes[5];
    const body = buffer.slice(BODY_START);
    const { header, section } =
      flags & STREAMED
        ? await this.readStreamed(body, flags, headerLength)
        : split(flags & COMPRESSED ? await inflate(body) : body, headerLength);
    const arrays = {};
    for (const spec of header.arrays ?? []) {
      const array = new FrameArray(spec, section);
      if (spec.delta) this.addPrevious(array);
      if (array.dtype === "uint8") this.maps.set(array.name, array.data);
      arrays[spec.name] = array;
    }
    return { header, arrays };
  }

  /** A streamed frame's header and arrays: as many bytes as its header says it holds. */
  async readStreamed(body, flags, headerLength) {
    if (flags & STREAM_START) this.stream = new StreamInflater();
    if (!this.stream) throw new FrameError("a streamed frame before its stream started");
    this.stream.write(body);
    const header = parseHeader(await this.stream.take(headerLength), headerLength);
    return { header, section: await this.stream.take(arraysEnd(header.arrays ?? [])) };
  }

  /** A delta plus the codes it is relative to; Uint8Array arithmetic wraps mod 256. */
  addPrevious(array) {
    const previous = this.maps.get(array.name);
    if (!previous || previous.length !== array.data.length) {
      throw new FrameError(`delta for ${array.name} without its previous map`);
    }
    const codes = array.data;
    for (let i = 0; i < codes.length; i++) codes[i] += previous[i];
  }
}

/** One connection's zlib stream. Each frame's part ends with a sync flush, so it
 * comes out whole; its header says how many bytes that is, and the reader never
 * waits for bytes the part does not hold. */
class StreamInflater {
  constructor() {
    const stream = new DecompressionStream("deflate");
    this.writer = stream.writable.getWriter();
    this.reader = stream.readable.getReader();
    this.chunks = [];
    this.size = 0;
  }

  write(bytes) {
    // Not awaited: the write completes only as the reader takes the output.
    this.writer.write(new Uint8Array(bytes)).catch(() => {});
  }

  /** The next ``count`` bytes out of the stream. */
  async take(count) {
    while (this.size < count) {
      const { value, done } = await this.reader.read();
      if (done) throw new FrameError("the frame stream ended");
      this.chunks.push(value);
      this.size += value.byteLength;
    }
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
    const rest = all.slice(count);
    this.chunks = rest.byteLength ? [rest] : [];
    this.size = rest.byteLength;
    return all.slice(0, count).buffer;
  }
}

/** Where a frame's arrays end in its section (an array may share an earlier one's bytes). */
function arraysEnd(specs) {
  let end = 0;
  for (const spec of specs) {
    const Type = ARRAY_TYPES[spec.dtype];
    if (!Type) throw new FrameError(`unknown dtype ${spec.dtype} for ${spec.name}`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    end = Math.max(end, spec.offset + count * Type.BYTES_PER_ELEMENT);
  }
  return end;
}

function parseHeader(buffer, headerLength) {
  return JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 0, headerLength)));
}

/** A whole body as its header and the arrays' section. */
function split(body, headerLength) {
  if (headerLength > body.byteLength) throw new FrameError("frame header runs past the frame");
  return { header: parseHeader(body, headerLength), section: body.slice(headerLength) };
}

async function inflate(buffer) {
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).arrayBuffer();
}
