/**
 * The live session socket (docs/live-protocol.md): JSON messages both ways, reconnecting with
 * back-off, and frames dropped rather than queued when the server falls behind.
 *
 *   const socket = new LiveSocket('/ws/sessions/12/', {onMessage, onStatus});
 *   socket.connect();
 *   socket.sendFrame({type: 'frame', frame}, frame.timestamp_ms);  // false: dropped
 *   socket.send({type: 'pause', timestamp_ms: t});
 */

/** Frames sent and not yet answered; beyond this, new frames are dropped. */
export const MAX_IN_FLIGHT = 3;
/** An unanswered frame older than this no longer counts as in flight (its reply was an error). */
const IN_FLIGHT_EXPIRY_MS = 3000;
/** Don't pile data into the socket's own buffer either. */
const MAX_BUFFERED_BYTES = 64 * 1024;
const BACKOFF_S = [1, 2, 4, 8, 10];
/** Close codes after which reconnecting cannot help (docs/live-protocol.md). */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4409]);

/** ws: or wss: to match the page, on the page's own host. */
export function socketUrl(path, location = window.location) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new Error(`socket path must be a path on this site, got ${path}`);
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

export class LiveSocket {
  /**
   * @param {string} path e.g. "/ws/sessions/12/"
   * @param {object} handlers
   * @param {(message: object) => void} handlers.onMessage every message from the server
   * @param {(status: string, detail?: object) => void} [handlers.onStatus]
   *   'connecting' | 'open' | 'waiting' ({seconds}) | 'refused' ({code}) | 'closed'
   */
  constructor(path, { onMessage, onStatus = () => {} }) {
    this.url = socketUrl(path);
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    /** Round trip of frames, smoothed (ms), from the server's `echo_ms`. */
    this.rttMs = null;
    this.dropped = 0;
    this.sent = 0;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    /** timestamp_ms → performance.now() when sent */
    this.inFlight = new Map();
    this.onOnline = () => {
      if (this.timer !== null) this.#reconnectNow();
    };
    window.addEventListener('online', this.onOnline);
  }

  get isOpen() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.stopped || this.ws) return;
    this.onStatus('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => this.onStatus('open'));
    ws.addEventListener('message', (event) => this.#receive(event.data));
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.inFlight.clear();
      if (this.stopped) {
        this.onStatus('closed');
      } else if (FINAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        this.onStatus('refused', { code: event.code });
      } else {
        this.#scheduleReconnect();
      }
    });
    // 'error' is always followed by 'close', which does the work.
  }

  /** Close for good (the session is over or the page is leaving). */
  close() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
  }

  /** Send one message now; false if the socket is not open. */
  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * Send a frame unless too many are unanswered: a slow server gets fewer frames, never a
   * queue of old ones. Returns false when the frame was dropped.
   */
  sendFrame(message, timestampMs) {
    const now = performance.now();
    for (const [ts, sentAt] of this.inFlight) {
      if (now - sentAt > IN_FLIGHT_EXPIRY_MS) this.inFlight.delete(ts);
    }
    if (
      !this.isOpen ||
      this.inFlight.size >= MAX_IN_FLIGHT ||
      this.ws.bufferedAmount > MAX_BUFFERED_BYTES
    ) {
      this.dropped += 1;
      return false;
    }
    this.inFlight.set(timestampMs, now);
    this.sent += 1;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  #receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    if (message.type === 'hello') this.attempt = 0;
    if (message.type === 'stopped' && typeof message.url === 'string' && message.url.startsWith('/')) {
      // A danger sign holds: the server decided, the page goes where it explains why.
      this.stopped = true;
      window.location.assign(message.url);
      return;
    }
    if (typeof message.echo_ms === 'number') this.#answered(message.echo_ms);
    else if (message.type === 'error' && this.inFlight.size) {
      // Replies come in order: an error answers the oldest message still waiting.
      this.inFlight.delete(this.inFlight.keys().next().value);
    }
    this.onMessage(message);
  }

  #answered(echoMs) {
    const sentAt = this.inFlight.get(echoMs);
    for (const ts of this.inFlight.keys()) {
      if (ts <= echoMs) this.inFlight.delete(ts);
    }
    if (sentAt === undefined) return;
    const rtt = performance.now() - sentAt;
    this.rttMs = this.rttMs === null ? rtt : 0.8 * this.rttMs + 0.2 * rtt;
  }

  #scheduleReconnect() {
    if (this.stopped) return;
    const seconds = BACKOFF_S[Math.min(this.attempt, BACKOFF_S.length - 1)];
    this.attempt += 1;
    this.onStatus('waiting', { seconds });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, seconds * 1000);
  }

  #reconnectNow() {
    clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }
}
