// The page's only line to the server: the htmx ws extension's socket.
// htmx swaps the text messages (HTML fragments); this module takes the binary
// ones, decodes them, hands them to the page one at a time and acks each after
// it is drawn, so the server never has more than one frame in flight.

import { FrameDecoder } from "./frames.js";

// Close codes after which the ws extension reconnects by itself.
const AUTO_RECONNECT = new Set([1006, 1011, 1012, 1013]);

/** The websocket URL for the page's current URL: the config travels in the query.
 * A room's page names its own socket (data-socket-path, /r/CODE/ws). */
export function socketUrl(location = window.location, path = "/ws") {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}${location.search}`;
}

export class Socket {
  /**
   * root: the element with ws-connect; handlers: {frame(frame) (may return a
   * promise; the ack waits for it), open(), close({reconnecting, code})}.
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.wrapper = null;
    this.connection = 0; // counts opens: an ack belongs to the connection that sent the frame
    this.decoder = new FrameDecoder();
    this.drawing = Promise.resolve();
    // Every (re)connect reads the page's URL afresh, so a reconnect restores
    // the config the URL holds now, not the one the page was loaded with.
    htmx.createWebSocket = () => {
      const socket = new WebSocket(socketUrl(window.location, root.dataset.socketPath));
      socket.binaryType = "arraybuffer";
      return socket;
    };
    root.addEventListener("htmx:wsOpen", (event) => {
      this.wrapper = event.detail.socketWrapper;
      this.connection += 1;
      this.decoder = new FrameDecoder(); // a new session sends whole maps first
      this.handlers.open?.();
    });
    root.addEventListener("htmx:wsClose", (event) => {
      const code = event.detail.event.code;
      this.handlers.close?.({ code, reconnecting: AUTO_RECONNECT.has(code) });
    });
    root.addEventListener("htmx:wsBeforeMessage", (event) => {
      const message = event.detail.message;
      if (typeof message === "string") return; // an HTML fragment: htmx swaps it
      event.preventDefault();
      const connection = this.connection;
      this.drawing = this.drawing.then(() => this.receive(message, connection));
    });
  }

  async receive(buffer, connection) {
    // A frame of an older connection, still queued, is neither drawn nor acked.
    if (connection !== this.connection) return;
    let frame;
    try {
      frame = await this.decoder.decode(buffer);
    } catch (error) {
      console.warn("dropped a frame the page cannot read:", error);
      return;
    }
    try {
      await this.handlers.frame(frame);
    } finally {
      // Ack even if drawing failed, or the server would stop sending; but not
      // to a new session after a reconnect, which never sent this frame.
      if (connection === this.connection) this.send({ type: "ack", frame: frame.header.frame });
    }
  }

  /** Send one control message (a plain object) now, or when the socket opens. */
  send(message) {
    this.wrapper?.send(JSON.stringify(message));
  }

  /** Open a fresh connection (after a close the extension does not retry). */
  reconnect() {
    this.wrapper?.reconnect();
  }
}
