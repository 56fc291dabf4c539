// The page's only line to the server: the htmx ws extension's socket.
// htmx swaps the text messages (HTML fragments); this module takes the binary
// ones, decodes them, hands them to the page one at a time and acks each after
// it is drawn, so the server never has more than one frame in flight. It also
// reconnects after a dropped socket (see DELIBERATE and retryDelay).

import { FrameDecoder } from "./frames.js";

// Closes the server means (docs/protocol.md, "Closing" and "Rooms"): idle (1000), a
// flood (1008), a message too big (1009), the server or class full (1013), no such
// class (4404). The banner before them says why; the page waits for a click.
// Anything else is a drop (a network blip, a restart, the lecturer's claim still
// held, 4409): the page reconnects by itself.
const DELIBERATE = new Set([1000, 1008, 1009, 1013, 4404]);
const FIRST_RETRY_SECONDS = 0.5;
const LAST_RETRY_SECONDS = 10;

/** Seconds before reconnect attempt ``n`` (from 0): doubling from 0.5 s up to 10 s,
 * each between half and all of that, so a class's pages do not all come back at once. */
export function retryDelay(n, random = Math.random) {
  const ceiling = Math.min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** n);
  return ceiling * (0.5 + 0.5 * random());
}

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
    this.current = null; // the newest WebSocket: a close of an older one is old news
    this.retries = 0;
    this.retry = null; // the timer of the reconnect to come
    this.connection = 0; // counts opens: an ack belongs to the connection that sent the frame
    this.decoder = new FrameDecoder();
    this.drawing = Promise.resolve();
    // Before the first open (the server could not be reached) the extension retries
    // by itself; it waits as this page would.
    htmx.config.wsReconnectDelay = (n) => retryDelay(n) * 1000;
    // Every (re)connect reads the page's URL afresh, so a reconnect restores
    // the config the URL holds now, not the one the page was loaded with.
    htmx.createWebSocket = () => {
      const socket = new WebSocket(socketUrl(window.location, root.dataset.socketPath));
      socket.binaryType = "arraybuffer";
      // Registered before the extension's onclose, so it can keep the extension's
      // own retry (only after 1006, 1011, 1012 and 1013, and up to a minute apart)
      // from running once this page has a connection to retry. A socket a reconnect
      // replaced is old news: neither retried nor reported.
      socket.addEventListener("close", (event) => {
        if (socket === this.current && this.wrapper === null) return; // never opened
        event.stopImmediatePropagation();
        if (socket === this.current) this.closed(event.code);
      });
      this.current = socket;
      return socket;
    };
    root.addEventListener("htmx:wsOpen", (event) => {
      this.wrapper = event.detail.socketWrapper;
      this.connection += 1;
      this.decoder = new FrameDecoder(); // a new session sends whole maps first
      this.handlers.open?.();
    });
    root.addEventListener("htmx:wsClose", (event) => {
      // Only before the first open (see createWebSocket): the extension retries a 1006.
      const code = event.detail.event.code;
      this.handlers.close?.({ code, reconnecting: code === 1006 });
    });
    root.addEventListener("htmx:wsBeforeMessage", (event) => {
      const message = event.detail.message;
      if (typeof message === "string") return; // an HTML fragment: htmx swaps it
      event.preventDefault();
      const connection = this.connection;
      // A frame that fails to draw is logged, and the ones after it still draw.
      this.drawing = this.drawing
        .then(() => this.receive(message, connection))
        .catch((error) => console.warn("a frame failed to draw:", error));
    });
  }

  /** The socket closed: after a drop, try again later; after a deliberate close, wait. */
  closed(code) {
    // Frames of this connection still being drawn are not acked: an ack sent now
    // would wait in the extension's queue and reach the next session.
    this.connection += 1;
    const reconnecting = !DELIBERATE.has(code);
    this.handlers.close?.({ code, reconnecting });
    if (!reconnecting) return;
    const delay = retryDelay(this.retries);
    this.retries += 1;
    this.retry = setTimeout(() => this.reconnect(), delay * 1000);
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
    // A frame came: the connection works, and a later drop starts the waits afresh
    // (not on open: a server that accepts, then refuses, would be retried at once).
    this.retries = 0;
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

  /** Open a fresh connection now (the Reconnect button, or a retry's time came). */
  reconnect() {
    clearTimeout(this.retry);
    this.retry = null;
    this.wrapper?.reconnect();
  }
}
