import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SseReader } from '../src/realtime/sse-reader.ts';
import { postgresInstance, queryPostgres, type Instance } from './support/cli.ts';
import { RemoteCaller, serveProcess, type Served } from './support/remote.ts';
import { skipReason } from './support/stores.ts';

/**
 * Two real Blossom processes on one PostgreSQL schema, phones on both, one reveal a few
 * seconds ahead in real time: every checked-in phone gets the target once, never early,
 * and a process killed as the reveal comes due does not stop the other from delivering.
 */
const api = '/api/v1';
/** Short, so a release claimed by a killed process comes back to the survivor quickly. */
const leaseMs = 1500;
const phonesPerProcess = 3;

interface Scene {
  slug: string;
  nodeId: string;
  targetId: string;
  releaseAt: string;
  /** Checked-in tickets, and one that only RSVPed (the rsvp tier must never get the target). */
  present: string[];
  rsvpOnly: string;
}

async function ok(promise: Promise<{ status: number; text: string; body: unknown }>, status: number) {
  const res = await promise;
  assert.equal(res.status, status, res.text);
  return res.body as Record<string, string>;
}

/** The whole story through one process's API: accounts, group, action, node, target, publish, RSVPs, check-ins. */
async function seed(base: string, tag: string, aheadMs: number): Promise<Scene> {
  const organizer = await new RemoteCaller(base).signUp(`org_${tag}`);
  const marshal = await new RemoteCaller(base).signUp(`mar_${tag}`);
  const group = await ok(organizer.call('POST', `${api}/groups`, { name: `Crew ${tag}`, kind: 'affinity', visibility: 'public', joinPolicy: 'open' }), 201);
  await ok(marshal.call('POST', `${api}/groups/${group.slug}/join`, {}), 200);
  // Whole seconds, and the target one minute before the start (offsets are whole minutes).
  const releaseAt = new Date(Math.ceil((Date.now() + aheadMs) / 1000) * 1000);
  const startsAt = new Date(releaseAt.getTime() + 60_000).toISOString();
  const action = await ok(organizer.call('POST', `${api}/groups/${group.slug}/actions`, {
    title: 'Bloom on the square', call: 'Come.', bring: 'Water', visibility: 'open', timing: { mode: 'same-instant', at: startsAt }, durationMinutes: 60,
  }), 201);
  const node = await ok(organizer.call('POST', `${api}/actions/${action.slug}/nodes`, { city: 'London', zone: 'Europe/London', marshals: [`mar_${tag}`] }), 201);
  const target = await ok(organizer.call('POST', `${api}/actions/${action.slug}/disclosures`, { tier: 'present', offsetMinutes: -1, text: `CANARY-target-${tag}` }), 201);
  await ok(organizer.call('POST', `${api}/actions/${action.slug}/publish`), 200);
  const phone = new RemoteCaller(base);
  const rsvp = async () => (await ok(phone.call('POST', `${api}/actions/${action.slug}/rsvp`, { nodeId: node.id }), 201)).ticket!;
  const present: string[] = [];
  for (let n = 0; n < 2 * phonesPerProcess; n++) {
    const ticket = await rsvp();
    // The real rotating code, as the marshal's screen shows it.
    const { code } = await ok(marshal.call('GET', `${api}/actions/${action.slug}/nodes/${node.id}/code`), 200);
    await ok(phone.call('POST', `${api}/actions/${action.slug}/checkin`, { code }, { 'x-blossom-ticket': ticket }), 200);
    present.push(ticket);
  }
  return { slug: action.slug!, nodeId: node.id!, targetId: target.id!, releaseAt: releaseAt.toISOString(), present, rsvpOnly: await rsvp() };
}

interface Phone {
  name: string;
  ticket: string;
  reader: SseReader;
  close: () => void;
}

describe('scale-out: two Blossom processes on one PostgreSQL', async () => {
  const skip = await skipReason('postgres');
  let blossom: Instance | undefined;
  let servers: Served[] = [];
  let phones: Phone[] = [];

  /** Two processes on a fresh schema, migrated (and master.key made) once beforehand. */
  const twoProcesses = async () => {
    const made = await postgresInstance();
    blossom = made.blossom;
    const migrated = await blossom.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    const env = { ...blossom.env, PORT: '0', HOST: '127.0.0.1', BLOSSOM_JOB_LEASE_MS: String(leaseMs) };
    servers = await Promise.all([serveProcess(env), serveProcess(env)]);
    assert.notEqual(servers[0]!.url, servers[1]!.url);
    return { schema: made.schema, a: servers[0]!, b: servers[1]! };
  };

  /** Phones on both processes: the checked-in ones split between them, and an rsvp-tier one on each. */
  const connect = async (sc: Scene, targets: Served[]) => {
    const path = `${api}/actions/${sc.slug}/live?node=${sc.nodeId}`;
    const open = async (name: string, server: Served, ticket: string) => {
      const stream = await new RemoteCaller(server.url).follow(path, { 'x-blossom-ticket': ticket });
      phones.push({ name, ticket, ...stream });
    };
    await Promise.all(sc.present.map((ticket, n) => open(`present-${n}@${n % 2 ? 'b' : 'a'}`, targets[n % 2]!, ticket)));
    await Promise.all(targets.map((server, n) => open(`rsvp@${n ? 'b' : 'a'}`, server, sc.rsvpOnly)));
  };

  const eventId = (sc: Scene) => `${sc.releaseAt}~d~${sc.targetId}`;
  const count = (phone: Phone, id: string) => phone.reader.events.filter((e) => e.id === id).length;

  /** Watches every phone until just before the instant: nobody may have the target yet. */
  const watchUntilRelease = async (sc: Scene, watched: Phone[], beforeDue?: () => void) => {
    const due = Date.parse(sc.releaseAt);
    assert.ok(Date.now() < due - 500, 'seeding took too long: the release was due before the phones were connected');
    let fired = false;
    while (Date.now() < due - 20) {
      for (const phone of watched) assert.equal(count(phone, eventId(sc)), 0, `${phone.name} got the target before ${sc.releaseAt}`);
      if (beforeDue && !fired && Date.now() >= due - 200) {
        fired = true;
        beforeDue();
      }
      await sleep(5);
    }
  };

  const assertDeliveredOnce = async (sc: Scene, watched: Phone[], withinMs: number) => {
    const id = eventId(sc);
    const present = watched.filter((p) => p.name.startsWith('present'));
    await Promise.all(present.map((phone) => phone.reader.until((events) => events.some((e) => e.id === id), withinMs)));
    // Time for any second delivery (a refire, another process's relay) to show up.
    await sleep(leaseMs + 1000);
    for (const phone of present) assert.equal(count(phone, id), 1, `${phone.name} got the target ${count(phone, id)} times`);
    for (const phone of watched.filter((p) => p.name.startsWith('rsvp'))) assert.equal(count(phone, id), 0, `${phone.name} (rsvp tier) got the target`);
    const target = JSON.parse(present[0]!.reader.events.find((e) => e.id === id)!.data);
    assert.equal(target.releaseAt, sc.releaseAt);
  };

  const releaseJob = async (schema: string) =>
    queryPostgres<{ status: string; attempts: number }>(`select status, attempts from "${schema}".jobs where kind = 'action.release'`);

  afterEach(async () => {
    for (const phone of phones) phone.close();
    phones = [];
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
    await blossom?.dispose();
    blossom = undefined;
  });

  it('reveals the target to every checked-in phone on both processes exactly once, never early', { skip, timeout: 60_000 }, async () => {
    const { schema, a, b } = await twoProcesses();
    const sc = await seed(a.url, 'both', 6000);
    await connect(sc, [a, b]);
    await watchUntilRelease(sc, phones);
    await assertDeliveredOnce(sc, phones, 5000);
    // One claim across both processes: the reveal fired once.
    assert.deepEqual(await releaseJob(schema), [{ status: 'done', attempts: 1 }]);
  });

  it('still delivers, once and never early, on the survivor when the other process is killed as the reveal comes due', { skip, timeout: 60_000 }, async () => {
    const { schema, a, b } = await twoProcesses();
    const sc = await seed(a.url, 'kill', 6000);
    await connect(sc, [a, b]);
    const survivors = phones.filter((p) => p.name.endsWith('@b'));
    await watchUntilRelease(sc, survivors, () => a.child.kill('SIGKILL'));
    // Claimed by the dead process, the job returns after its lease, found by the survivor's poll (5 s).
    await assertDeliveredOnce(sc, survivors, leaseMs + 10_000);
    const [job] = await releaseJob(schema);
    assert.equal(job?.status, 'done');
    assert.equal(a.child.signalCode, 'SIGKILL');
    assert.equal(b.child.exitCode, null, b.stderr());
  });

  it('takes over, after its lease, a reveal whose claiming process was killed mid-run', { skip, timeout: 60_000 }, async () => {
    const { schema, a, b } = await twoProcesses();
    const sc = await seed(a.url, 'lease', 6000);
    await connect(sc, [a, b]);
    const survivors = phones.filter((p) => p.name.endsWith('@b'));
    // Which process claims at the instant is a race; to be sure the dead one holds the claim,
    // kill it and leave the row exactly as its claim would have (running, leased, one attempt).
    await watchUntilRelease(sc, survivors, () => {
      a.child.kill('SIGKILL');
      const leaseUntil = new Date(Date.parse(sc.releaseAt) + leaseMs).toISOString();
      void queryPostgres(
        `update "${schema}".jobs set status = 'running', attempts = attempts + 1, lease_until = '${leaseUntil}' where kind = 'action.release' and status = 'pending'`,
      );
    });
    await assertDeliveredOnce(sc, survivors, leaseMs + 10_000);
    assert.deepEqual(await releaseJob(schema), [{ status: 'done', attempts: 2 }]);
    assert.equal(b.child.exitCode, null, b.stderr());
  });
});
