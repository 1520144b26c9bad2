import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parseRevealArgs, UsageError } from '../bench/args.ts';
import { forwardedFor, perSecond, tally } from '../bench/checkin-plan.ts';
import { multiProcessProblem } from '../bench/nodes.ts';
import type { PeerResult } from '../bench/peer.ts';
import { busyMachineWarning, descriptorAdvice, openFileLimit, processFamily } from '../bench/proc.ts';
import { idleKbPerConnection, splitCrowd } from '../bench/spread.ts';
import { cpuVsPeer, jsonLine, type RevealReport } from '../bench/report.ts';
import { percentile, ratio, summarize } from '../bench/stats.ts';
import { parseFrame, SseWire } from '../bench/sse-wire.ts';
import type { PhaseResult } from '../bench/phase.ts';

/** Feeds the bytes split at every given offset, as TCP may deliver them. */
function feedSplit(wire: SseWire, text: string, cuts: number[]) {
  const bytes = Buffer.from(text);
  const events = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...wire.feed(bytes.subarray(from, cut)));
    from = cut;
  }
  return events;
}

const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe('bench: latency statistics', () => {
  it('takes nearest-rank percentiles, never interpolating between receipts', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred, 99), 99);
    assert.equal(percentile(hundred, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2], 50), 1);
    assert.equal(percentile([10, 20, 30], 40), 20);
    assert.equal(percentile([10, 20, 30], 34), 20);
    assert.equal(percentile([], 50), null);
    assert.throws(() => percentile(hundred, 0), RangeError);
  });

  it('counts receipts before the instant as early and sorts before ranking', () => {
    const summary = summarize([12.345, -0.5, 3, 40, 7]);
    assert.deepEqual(summary, { delivered: 5, early: 1, p50_ms: 7, p99_ms: 40, max_ms: 40 });
    assert.deepEqual(summarize([]), { delivered: 0, early: 0, p50_ms: null, p99_ms: null, max_ms: null });
  });

  it('gives the ratio to the floor only when the floor measured something', () => {
    assert.equal(ratio(150, 100), 1.5);
    assert.equal(ratio(1, 3), 0.33);
    assert.equal(ratio(5, 0), null);
    assert.equal(ratio(null, 3), null);
  });
});

describe('bench: reading SSE off a socket', () => {
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';
  const target = 'id: 2026-06-01T12:00:00.000Z~d~abc\nevent: disclosure\ndata: {"text":"Zürich, the bank"}\n\n';
  const stream = head + chunk('id: s1\nevent: state\ndata: {}\n\n') + chunk(': heartbeat\n\n') + chunk(target);

  it('reads chunked events however the bytes are split, multi-byte characters included', () => {
    const whole = new SseWire().feed(Buffer.from(stream));
    assert.deepEqual(whole.map((e) => [e.id, e.event]), [['s1', 'state'], ['2026-06-01T12:00:00.000Z~d~abc', 'disclosure']]);
    assert.equal(whole[1]!.data, '{"text":"Zürich, the bank"}');
    assert.equal(whole[1]!.frame, target);
    const length = Buffer.byteLength(stream);
    for (let cut = 1; cut < length; cut += 7) {
      const split = feedSplit(new SseWire(), stream, [cut, Math.min(length, cut + 3)]);
      assert.deepEqual(split, whole, `split at ${cut}`);
    }
    // Byte by byte: the hard case for the head, the chunk sizes and the ü.
    assert.deepEqual(feedSplit(new SseWire(), stream, Array.from({ length: length - 1 }, (_, i) => i + 1)), whole);
  });

  it('reads a plain (unchunked) stream and CRLF line ends', () => {
    const wire = new SseWire();
    const events = wire.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nid: 1\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n'));
    assert.deepEqual(events.map((e) => [e.id, e.event, e.data]), [['1', 'x', 'a\nb']]);
  });

  it('reports an error answer without taking its body for events', () => {
    const wire = new SseWire();
    const body = 'data: not an event\n\n';
    assert.deepEqual(wire.feed(Buffer.from(`HTTP/1.1 404 Not Found\r\nContent-Length: ${body.length}\r\n\r\n${body}`)), []);
    assert.equal(wire.status, 404);
    assert.equal(wire.body, body);
  });

  it('refuses what is not HTTP', () => {
    assert.throws(() => new SseWire().feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP response/);
  });

  it('parses a lone frame, for the floor to replay', () => {
    assert.equal(parseFrame(target).id, '2026-06-01T12:00:00.000Z~d~abc');
    assert.throws(() => parseFrame(': only a comment\n\n'));
  });
});

describe('bench: spreading the crowd and reading memory', () => {
  it('shares a crowd among as few client processes as the open-file limit allows, evenly', () => {
    assert.deepEqual(splitCrowd(1000, 19_744), [1000]);
    assert.deepEqual(splitCrowd(20_000, 19_744), [10_000, 10_000]);
    assert.deepEqual(splitCrowd(7, 3), [3, 2, 2]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 30_000 }), (total, max) => {
        const shares = splitCrowd(total, max);
        assert.equal(shares.reduce((a, b) => a + b, 0), total);
        assert.ok(shares.every((n) => n >= 1 && n <= max));
        assert.equal(shares.length, Math.ceil(total / max));
      }),
    );
    assert.throws(() => splitCrowd(0, 10), RangeError);
    assert.throws(() => splitCrowd(10, 0), RangeError);
  });

  it('reads idle memory per connection as RSS growth over the connections, in KiB', () => {
    assert.equal(idleKbPerConnection(100, 200, 10_240), 10);
    assert.equal(idleKbPerConnection(100, 100, 5), 0);
    assert.equal(idleKbPerConnection(100, 200, 0), null);
  });

  it('finds a process\'s workers', () => {
    const family = processFamily(process.pid);
    assert.equal(family[0], process.pid);
  });
});

describe('bench: the check-in burst', () => {
  it('spreads the crowd over many /24 networks, one per request up to 65,536', () => {
    assert.equal(forwardedFor(0), '10.0.0.1');
    assert.equal(forwardedFor(257), '10.1.1.1');
    assert.equal(forwardedFor(65_536), '10.0.0.2');
    const networks = new Set(Array.from({ length: 20_000 }, (_, i) => forwardedFor(i).split('.').slice(0, 3).join('.')));
    assert.equal(networks.size, 20_000);
    assert.throws(() => forwardedFor(-1), RangeError);
  });

  it('counts outcomes and rates', () => {
    assert.deepEqual(tally(['200', '200', '422 wrong_code']), { '200': 2, '422 wrong_code': 1 });
    assert.equal(perSecond(5000, 1000), 5000);
    assert.equal(perSecond(3, 2000), 2);
    assert.equal(perSecond(10, 0), 0);
  });
});

describe('bench: --nodes 3 needs the PostgreSQL bus', () => {
  it('refuses to run, saying why, in a tree without the bus or --workers', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bench-nodes-'));
    try {
      assert.match(multiProcessProblem(pathToFileURL(`${empty}/`)) ?? '', /neither yet/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('bench: command line and output', () => {
  it('takes the documented flags and refuses anything else', () => {
    const options = parseRevealArgs(['reveal', '--clients', '5000', '--json']);
    assert.equal(options.clients, 5000);
    assert.equal(options.json, true);
    assert.equal(options.server, 'blossom');
    assert.deepEqual(options.sources.slice(0, 2), ['127.0.0.2', '127.0.0.3']);
    assert.equal(options.sources.length, 8);
    assert.throws(() => parseRevealArgs(['reveal']), UsageError);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '0']), UsageError);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '1.5']), UsageError);
    assert.throws(() => parseRevealArgs(['storm', '--clients', '5']), UsageError);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '5', '--server', 'nginx']), UsageError);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '5', '--fast']), UsageError);
    assert.equal(options.nodes, 1);
    assert.equal(options.peer, false);
    const three = parseRevealArgs(['reveal', '--nodes', '3', '--clients', '20000']);
    assert.equal(three.nodes, 3);
    assert.equal(three.peer, true, '--nodes 3 always measures the peer in the same run');
    assert.equal(parseRevealArgs(['reveal', '--clients', '5', '--peer']).peer, true);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '5', '--nodes', '2']), UsageError);
    assert.throws(() => parseRevealArgs(['reveal', '--clients', '5', '--nodes', '3', '--server', 'hub']), UsageError);
  });

  it('prints the issue\'s JSON shape, keys in order', () => {
    const phase = (cpu: number): PhaseResult => ({
      delivered: 5000, early: 0, p50_ms: 80, p99_ms: 150.5, max_ms: 160, open: 5000, failed: 0, connectErrors: [],
      missing: 0, lost: 0, cpu_ms: cpu, rss_mb: 170.2, idle_kb_per_conn: 6.5, frame: null,
    });
    const report: RevealReport = { clients: 5000, server: 'blossom', subject: phase(240), floor: phase(160) };
    assert.equal(
      jsonLine(report),
      '{"bench":"reveal","clients":5000,"delivered":5000,"early":0,"p50_ms":80,"p99_ms":150.5,"max_ms":160,"cpu_ms":240,"rss_mb":170.2,' +
        '"idle_kb_per_conn":6.5,"floor":{"p99_ms":150.5,"cpu_ms":160,"rss_mb":170.2,"idle_kb_per_conn":6.5}}',
    );
    const peer: PeerResult = {
      name: 'socket.io', processes: 3, delivered: 5000, early: 0, p50_ms: 90, p99_ms: 300, max_ms: 310, open: 5000, failed: 0,
      connectErrors: [], missing: 0, lost: 0, cpu_ms: 900, rss_mb: 400, idle_kb_per_conn: 40.1,
    };
    assert.equal(
      jsonLine({ ...report, nodes: 3, floor: null, peer }),
      '{"bench":"reveal","nodes":3,"clients":5000,"delivered":5000,"early":0,"p50_ms":80,"p99_ms":150.5,"max_ms":160,"cpu_ms":240,"rss_mb":170.2,' +
        '"idle_kb_per_conn":6.5,"floor":null,"peer":{"name":"socket.io","delivered":5000,"early":0,"p99_ms":300,"cpu_ms":900,"rss_mb":400,"idle_kb_per_conn":40.1}}',
    );
    assert.match(jsonLine({ ...report, nodes: 3, peer }), /"peer":\{[^}]*\},"cpu_vs_peer":\{"blossom":0\.27,"floor":0\.18,"above_floor":0\.11\}\}$/);
    assert.deepEqual(cpuVsPeer(150, 160, 900), { blossom: 0.17, floor: 0.18, above_floor: 0 });
    assert.deepEqual(cpuVsPeer(300, 200, 200), { blossom: 1.5, floor: 1, above_floor: null });
    assert.doesNotMatch(jsonLine({ ...report, nodes: 1 }), /"nodes"|"peer"/);
    assert.match(jsonLine({ ...report, server: 'hub' }), /^\{"bench":"reveal","server":"hub","clients":5000,/);
  });

  it('says how to raise the open-file limit when it is too low', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n';
    const limit = openFileLimit(limits);
    assert.deepEqual(limit, { soft: 1024, hard: 4096 });
    assert.equal(descriptorAdvice(100, limit), null);
    const advice = descriptorAdvice(5000, limit);
    assert.match(advice ?? '', /ulimit -n 65536/);
    assert.match(advice ?? '', /needs root/);
  });

  it('warns when the machine is already busy', () => {
    assert.equal(busyMachineWarning('0.50 0.40 0.30 1/200 999', 2), null);
    assert.match(busyMachineWarning('5.09 3.97 2.72 7/512 4242', 2) ?? '', /load average 5.09 on 2 cores/);
  });
});
