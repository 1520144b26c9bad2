/**
 * Messages between the bench (bench/main.ts) and its helper processes over their IPC
 * channels. Instants are epoch milliseconds on the machine's one wall clock.
 */

/** To the client process (bench/clients.ts). */
export type ToClients =
  | {
      kind: 'connect';
      host: string;
      port: number;
      /** One request path per client, e.g. `/api/v1/actions/x/live?node=..&ticket=..`. */
      paths: string[];
      /** Loopback source addresses the clients are spread over (one port range each). */
      sources: string[];
      /** Connections being opened at once. */
      concurrency: number;
      timeoutMs: number;
    }
  | {
      kind: 'arm';
      /** The scheduled release instant. */
      at: number;
      /** The target is the event whose id contains this. */
      match: string;
      /** Give up waiting for stragglers at this instant. */
      deadline: number;
    }
  | { kind: 'close' };

export type FromClients =
  | { kind: 'progress'; open: number; failed: number }
  /** Watching for the target: only now may the reveal be scheduled, so even a wildly early one is seen. */
  | { kind: 'armed' }
  | { kind: 'connected'; open: number; failed: number; errors: string[] }
  | {
      kind: 'result';
      /** Milliseconds from `at` to receipt, one per client that received the target. */
      latencies: number[];
      /** Clients still connected that never received it. */
      missing: number;
      /** Clients whose stream ended or failed while waiting. */
      lost: number;
      /** The target frame exactly as the first client received it. */
      frame: string | null;
    }
  | { kind: 'closed' };

/** To a server under test that is driven over IPC (the floor, the Hub stand-in). */
export type ToServer = { kind: 'reveal'; at: number; frame: string };

export type FromServer =
  | { kind: 'listening'; port: number }
  | { kind: 'armed'; connections: number }
  | { kind: 'revealed'; written: number; lateMs: number };
