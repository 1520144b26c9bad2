import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { forwardedFor, tally } from './checkin-plan.ts';

/**
 * The crowd at the staging point, in its own process: each phone posts the code the
 * marshals show, with its own ticket, over keep-alive connections. The code is read from
 * the marshal endpoint, as the code screen does, and read again when it turns.
 */
export type ToCheckinClients = {
  kind: 'run';
  base: string;
  slug: string;
  nodeId: string;
  organizerToken: string;
  tickets: string[];
  concurrency: number;
};
export type FromCheckinClients = { kind: 'done'; latencies: number[]; outcomes: Record<string, number>; elapsedMs: number };

interface Answer {
  status: number;
  body: string;
}

let agent = new Agent({ keepAlive: true });

function post(base: URL, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function readCode(spec: ToCheckinClients): Promise<{ code: string; turnsAt: number }> {
  const res = await fetch(`${spec.base}/api/v1/actions/${spec.slug}/nodes/${encodeURIComponent(spec.nodeId)}/code`, { headers: { authorization: `Bearer ${spec.organizerToken}` } });
  if (res.status !== 200) throw new Error(`reading the code failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const { code, secondsLeft } = (await res.json()) as { code: string; secondsLeft: number };
  return { code, turnsAt: Date.now() + secondsLeft * 1000 };
}

async function run(spec: ToCheckinClients): Promise<FromCheckinClients> {
  agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const base = new URL(spec.base);
  let current = await readCode(spec);
  const codeNow = async () => {
    if (Date.now() >= current.turnsAt) current = await readCode(spec);
    return current.code;
  };
  const path = `/api/v1/actions/${spec.slug}/checkin`;
  const latencies: number[] = [];
  const outcomes: string[] = [];
  let next = 0;
  const started = performance.now();
  const phone = async () => {
    while (next < spec.tickets.length) {
      const index = next++;
      const headers = { 'x-blossom-ticket': spec.tickets[index]!, 'x-forwarded-for': forwardedFor(index) };
      for (let attempt = 1; ; attempt++) {
        const body = JSON.stringify({ code: await codeNow() });
        const sent = performance.now();
        let outcome: string;
        try {
          const answer = await post(base, path, headers, body);
          outcome = answer.status === 200 ? '200' : `${answer.status} ${/"code":"([^"]+)"/.exec(answer.body)?.[1] ?? ''}`.trim();
          // The code turned between reading and checking: read it again, as a phone would.
          if (outcome === '422 wrong_code' && attempt === 1) {
            current = await readCode(spec);
            continue;
          }
          if (answer.status === 200) latencies.push(performance.now() - sent);
        } catch (err) {
          outcome = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        }
        outcomes.push(outcome);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.tickets.length) }, phone));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { kind: 'done', latencies, outcomes: tally(outcomes), elapsedMs };
}

if (!process.send) throw new Error('run by bench/checkin.ts (it needs an IPC channel)');
process.on('message', (message: ToCheckinClients) => {
  run(message).then(
    (result) => process.send?.(result),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
