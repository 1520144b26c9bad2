import { loadRecord, merge, parseEvent, parseState, saveRecord, type LiveEvent, type LiveState, type LiveSummary } from './live-events.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';

export interface LiveOptions {
  slug: string;
  nodeId: string;
  ticket: string | null;
  /** The server refused the stream outright (not a dropped connection): the page checks why. */
  onrefused?: () => void;
  /** New events, once each, in time order: for announcing them. */
  onevents?: (events: LiveEvent[]) => void;
}

const eventTypes = ['disclosure', 'broadcast', 'disperse'] as const;
/** Native retries that fail in a row before this page takes over with a slower backoff. */
const nativeTries = 3;
const maxBackoffMs = 60_000;

/**
 * One action's live channel for one city: an EventSource with the device ticket in its query
 * (EventSource cannot send headers), events de-duplicated by id and kept in localStorage, and
 * reconnection that backs off when the network keeps failing. Reconnect after a check-in so
 * the server puts the stream in the higher tier.
 */
export class LiveChannel {
  summary = $state<LiveSummary | null>(null);
  state = $state<LiveState | null>(null);
  events = $state.raw<LiveEvent[]>([]);
  status = $state<LiveStatus>('connecting');
  /** Difference between the server's clock and this device's, in ms, from the last state. */
  skewMs = $state(0);

  readonly #options: LiveOptions;
  #source: EventSource | null = null;
  #failures = 0;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  readonly #wake = () => this.#reconnectSoon();

  constructor(options: LiveOptions) {
    this.#options = options;
    const record = loadRecord(options.slug, options.nodeId);
    this.summary = record.summary;
    this.state = record.state;
    this.skewMs = record.skewMs;
    this.events = record.events;
  }

  start(): void {
    this.#stopped = false;
    window.addEventListener('online', this.#wake);
    document.addEventListener('visibilitychange', this.#wake);
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    window.removeEventListener('online', this.#wake);
    document.removeEventListener('visibilitychange', this.#wake);
    this.#close();
    this.status = 'closed';
  }

  /** A fresh stream now, e.g. with the higher tier after checking in. */
  restart(): void {
    this.#failures = 0;
    this.#close();
    if (!this.#stopped) this.#open();
  }

  /** Events that arrived some other way (the check-in answer), shown at once and kept. */
  add(incoming: LiveEvent[]): void {
    this.#take(incoming);
  }

  /** What the page needs to draw itself offline; kept beside the events. */
  remember(summary: LiveSummary, serverNow?: string): void {
    this.summary = summary;
    if (serverNow) this.skewMs = new Date(serverNow).getTime() - Date.now();
    this.#save();
  }

  #url(): string {
    const query = new URLSearchParams({ node: this.#options.nodeId });
    if (this.#options.ticket) query.set('ticket', this.#options.ticket);
    return `/api/v1/actions/${encodeURIComponent(this.#options.slug)}/live?${query.toString()}`;
  }

  #open(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.status = this.#failures > 0 ? 'reconnecting' : 'connecting';
    const source = new EventSource(this.#url());
    this.#source = source;
    source.onopen = () => {
      this.#failures = 0;
      this.status = 'live';
    };
    source.onerror = () => this.#failed(source);
    source.addEventListener('state', (e) => {
      const state = parseState((e as MessageEvent<string>).data);
      if (!state) return;
      this.state = state;
      this.skewMs = new Date(state.now).getTime() - Date.now();
      this.#save();
    });
    for (const type of eventTypes) {
      source.addEventListener(type, (e) => {
        const message = e as MessageEvent<string>;
        const event = parseEvent(type, message.lastEventId, message.data);
        if (event) this.#take([event]);
      });
    }
  }

  #take(incoming: LiveEvent[]): void {
    const before = this.events;
    const after = merge(before, incoming);
    if (after === before) return;
    const known = new Set(before.map((e) => e.id));
    this.events = after;
    this.#save();
    this.#options.onevents?.(after.filter((e) => !known.has(e.id)));
  }

  #failed(source: EventSource): void {
    if (source !== this.#source) return;
    this.#failures++;
    // CLOSED: the server answered with an error (gone, not found). CONNECTING: the browser
    // is retrying on its own, with Last-Event-ID; after a few failures we slow it down.
    if (source.readyState === EventSource.CLOSED) {
      this.#close();
      this.status = 'offline';
      this.#options.onrefused?.();
      this.#schedule();
      return;
    }
    this.status = navigator.onLine === false ? 'offline' : 'reconnecting';
    if (this.#failures >= nativeTries) {
      this.#close();
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#stopped || this.#retry) return;
    const base = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(this.#failures, 6));
    // Thousands of phones losing the same cell tower should not all come back in the same second.
    const delay = base / 2 + Math.random() * (base / 2);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#open();
    }, delay);
  }

  #reconnectSoon(): void {
    if (this.#stopped || document.visibilityState === 'hidden') return;
    if (this.#source && this.#source.readyState !== EventSource.CLOSED && this.status === 'live') return;
    this.#close();
    this.#open();
  }

  #close(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
  }

  #save(): void {
    if (this.#stopped && this.status === 'closed') return;
    saveRecord(this.#options.slug, {
      nodeId: this.#options.nodeId,
      summary: this.summary,
      state: this.state,
      skewMs: this.skewMs,
      events: this.events,
    });
  }
}
