// The fault test of the HA cluster (make test-ha): under a bounded write load through
// HAProxy, (1) kill -9 the PostgreSQL primary, (2) kill -9 one service instance, (3) wait
// for the old primary to come back as the synchronous standby, (4) check the event feed
// delivered every event exactly once. Prints each check and "ha: N passed, N failed";
// exits non-zero when any check fails or the run overruns its deadline.
//   node faults.mjs STATE_DIR BIN_DIR
import { Cluster } from './cluster.mjs';
import { call, FeedReader, isProperUnavailable, newRunId, REQUEST_TIMEOUT_MS, Writer } from './load.mjs';

const [state, binDir] = process.argv.slice(2);
const WRITERS = Number(process.env.HA_WRITERS || 4);
const WRITE_PAUSE_MS = 100;
const BURST = 6;
const MAX_WINDOW_S = Number(process.env.HA_MAX_WINDOW_S || 15);
const RUN_LIMIT_MS = 300000;
const MUNICIPALITY = '101';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => (ms / 1000).toFixed(1);

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
function finish() {
  console.log(`\nfaults: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
const started = Date.now();
setTimeout(() => { check(false, `the run ends within ${RUN_LIMIT_MS / 1000} s`); finish(); }, RUN_LIMIT_MS).unref();

// Polls fn (async, truthy when done) every 250 ms until limitMs; returns its value or null.
async function until(limitMs, fn) {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(250);
  }
  return null;
}

function describe(a) {
  return a.status === 0 ? a.error : `${a.status} ${a.type} ${JSON.stringify(a.json)?.slice(0, 120)}`;
}

// The longest time in [from, to] with no acknowledged write, given the acks' end times.
function longestGap(acks, from, to) {
  const times = acks.map((a) => a.t1).filter((t) => t >= from && t <= to).sort((x, y) => x - y);
  let prev = from;
  let gap = 0;
  for (const t of times) { gap = Math.max(gap, t - prev); prev = t; }
  return Math.max(gap, to - prev);
}

const cluster = new Cluster(state, binDir);
const runId = newRunId();
const staff = (i) => cluster.token('caseworker', `cw-${runId}-${i}`, MUNICIPALITY);

// Set-up: the writers (each registers its own citizens: born on day i of 195x).
const writers = [];
const yearDigit = Math.floor(Math.random() * 10);
for (let i = 1; i <= WRITERS; i++) writers.push(new Writer(cluster.api, staff(i), i, yearDigit, `w${i}`, runId));
const reader = new FeedReader(cluster.api, cluster.token('integration', `in-${runId}`, MUNICIPALITY));
if (!check(await reader.drain(Date.now() + 20000), 'set-up: the event feed reads to its end')) finish();
const feedStart = reader.after;
reader.events = [];

const deadline = started + RUN_LIMIT_MS - 30000;
const writing = writers.map((w) => w.run(WRITE_PAUSE_MS, deadline));
const reading = reader.run(200);
const allAcks = () => writers.flatMap((w) => w.acked);
const allAttempts = () => writers.flatMap((w) => w.attempts).concat(reader.attempts);
await sleep(4000);
if (!check(allAcks().length > 0, 'writes are acknowledged before any fault', `${allAcks().length} acknowledged`)) finish();

// (1) The PostgreSQL primary dies.
const oldLeader = await cluster.leader();
const oldTimeline = (await cluster.anyMembers()).find((m) => m.name === oldLeader)?.timeline;
const tKill = Date.now();
process.kill(cluster.postmasterPid(oldLeader), 'SIGKILL');
console.log(`-- (1) killed the PostgreSQL primary ${oldLeader} (postmaster, kill -9)`);
const newLeader = await until(60000, async () => {
  const l = await cluster.leader();
  return l && l !== oldLeader ? l : null;
});
check(newLeader !== null, 'Patroni promotes the standby', `new leader ${newLeader}, ${secs(Date.now() - tKill)} s after the kill`);
if (!newLeader) finish();
const recovered = await until(60000, async () => allAcks().find((a) => a.t0 > tKill && a.t1 > tKill + 1000) || null);
check(recovered !== null, 'the services reconnect by themselves: writes are acknowledged again through HAProxy');
if (!recovered) finish();
await sleep(2000);
const phase1End = Date.now();
const window = longestGap(allAcks(), tKill - 1000, recovered.t1);
check(window <= MAX_WINDOW_S * 1000, `unavailability window under ${MAX_WINDOW_S} s`, `${secs(window)} s without an acknowledged write`);
const phase1 = allAttempts().filter((a) => a.t1 >= tKill && a.t0 <= phase1End);
const phase1Failures = phase1.filter((a) => a.status !== 200 && a.status !== 201);
const improper = phase1Failures.filter((a) => !isProperUnavailable(a));
check(improper.length === 0, 'during the switch every failed request is 503 problem+json with Retry-After',
  `${phase1Failures.length} 503s of ${phase1.length} requests${improper.length ? `; not so: ${improper.slice(0, 3).map(describe).join('; ')}` : ''}`);
const slowest = Math.max(...phase1.map((a) => a.t1 - a.t0));
check(slowest < REQUEST_TIMEOUT_MS, 'no request hangs during the switch', `slowest answer ${secs(slowest)} s`);
{
  const acked = allAcks().filter((a) => a.t1 <= phase1End);
  const onLeader = new Set(cluster.sql(newLeader, `SELECT id FROM cases WHERE created_by LIKE 'cw-${runId}-%'`));
  const missing = acked.filter((a) => !onLeader.has(a.id));
  check(missing.length === 0, 'every acknowledged write is on the new primary',
    `${acked.length} acknowledged, ${acked.length - missing.length} found${missing.length ? `; missing ${missing.slice(0, 3).map((m) => m.key)}` : ''}`);
}

// (2) One service instance dies. A burst of writes is sent just before, so that some are
// surely being answered by the instance when it dies.
const victim = 'svc2';
const burstWriter = writers[0];
const burstKeys = Array.from({ length: BURST }, (_, i) => `${runId}-burst-${i}`);
const burst = burstKeys.map((k) => burstWriter.write(k, deadline));
await sleep(5);
const tKill2 = Date.now();
const inFlight = new Set(writers.filter((w) => w.current).map((w) => w.current).concat(burstKeys));
process.kill(cluster.servicePid(victim), 'SIGKILL');
console.log(`-- (2) killed service instance ${victim} (kill -9) while ${inFlight.size} writes were being sent`);
await Promise.all(burst);
const down = await until(15000, async () => (await cluster.haproxyStatus(victim))?.startsWith('DOWN') ? Date.now() : null);
check(down !== null, 'HAProxy stops sending to the dead instance', down ? `marked DOWN ${secs(down - tKill2)} s after the kill` : 'still not DOWN after 15 s');
await sleep(4000);
const phase2End = Date.now();
{
  const attempts = writers.flatMap((w) => w.attempts).filter((a) => a.t1 >= tKill2 && a.t0 <= phase2End);
  const failures = attempts.filter((a) => a.status !== 201);
  // Until HAProxy marks the instance down it may still send it new requests, and one
  // that reached the dying process before its socket closed is in flight there too: it
  // ends without an answer (502 from HAProxy, or the connection cut).
  const lostThere = (a) => a.status === 502 || a.status === 0;
  for (const a of failures) if (down && a.t0 <= down && lostThere(a)) inFlight.add(a.key);
  const beyond = failures.filter((a) => !inFlight.has(a.key));
  check(beyond.length === 0, 'no write fails beyond those in flight on the dead instance',
    `${failures.length} failed attempts of ${attempts.length}${beyond.length ? `; others: ${beyond.slice(0, 3).map(describe).join('; ')}` : ''}`);
  const feedFailures = reader.attempts.filter((a) => a.t1 >= tKill2 && a.t0 <= phase2End && a.status !== 200);
  const feedBeyond = feedFailures.filter((a) => !(down && a.t0 <= down && lostThere(a)));
  check(feedBeyond.length === 0, 'the feed reader loses no read but those sent to the dead instance',
    `${feedFailures.length} failed${feedBeyond.length ? `; others: ${feedBeyond.slice(0, 3).map(describe).join('; ')}` : ''}`);
  // A write is two keyed POSTs (the citizen, then the case): the one lost may be either.
  const ackedKeys = new Set(writers.flatMap((w) => w.attempts)
    .filter((a) => (a.status === 200 || a.status === 201) && a.json?.id).map((a) => a.key));
  const retried = [...inFlight].filter((k) => failures.some((f) => f.key === k));
  const lost = failures.filter(lostThere).length;
  check(retried.every((k) => ackedKeys.has(k)), 'the writes in flight there were retried with their key and acknowledged',
    `${lost} lost with the instance (502), ${retried.length} keys retried, ${retried.filter((k) => ackedKeys.has(k)).length} acknowledged`);
}

// (3) The old primary comes back as the synchronous standby.
console.log(`-- (3) waiting for ${oldLeader} to rejoin`);
const whole = await until(120000, async () => {
  const m = await cluster.anyMembers();
  const leader = m.find((x) => x.role === 'leader');
  const standby = m.find((x) => x.name === oldLeader);
  return m.length === 2 && leader?.name === newLeader && standby?.role === 'sync_standby' &&
    ['running', 'streaming'].includes(standby.state) && standby.timeline === leader.timeline ? { leader, standby } : null;
});
check(whole !== null, 'the old primary rejoins as synchronous standby on the new timeline',
  whole ? `timeline ${oldTimeline} -> ${whole.leader.timeline}, lag ${whole.standby.lag}, ${secs(Date.now() - tKill)} s after the kill` : JSON.stringify(await cluster.anyMembers()));
const log = cluster.patroniLog(oldLeader);
const rewound = /running pg_rewind from/.test(log);
check(!/reinitiali[sz]e|basebackup/i.test(log.slice(log.indexOf('Failing over'))),
  'it came back without a new base backup', rewound ? 'pg_rewind ran (Patroni use_pg_rewind)' : 'its WAL had not diverged: no rewind needed');

// (4) Stop the load, read the feed to its end and compare with what was written.
for (const w of writers) w.stopping = true;
await Promise.all(writing);
reader.stopping = true;
await reading;
check(await reader.drain(Date.now() + 30000), 'the event feed reads to its end after the load');
const acks = allAcks();
const unexpected = writers.flatMap((w) => w.unexpected).concat(reader.unexpected);
check(unexpected.length === 0, 'no answer outside success and retryable failures', unexpected.slice(0, 3).map(describe).join('; '));
{
  const seqs = reader.events.map((e) => e.seq);
  const increasing = seqs.every((s, i) => i === 0 || s > seqs[i - 1]) && reader.events.every((e) => e.seq > e.after);
  const created = new Map();
  for (const e of reader.events.filter((e) => e.type === 'case.created')) created.set(e.resource_id, (created.get(e.resource_id) || 0) + 1);
  const twice = [...created.values()].filter((n) => n > 1).length;
  const absent = acks.filter((a) => !created.has(a.id)).length;
  const dbSeqs = cluster.sql(newLeader, `SELECT position FROM events WHERE municipality = '${MUNICIPALITY}' AND position > ${feedStart} ORDER BY position`).map(Number);
  const unnumbered = Number(cluster.sql(newLeader, `SELECT count(*) FROM events WHERE municipality = '${MUNICIPALITY}' AND position IS NULL`)[0]);
  const same = dbSeqs.length === seqs.length && dbSeqs.every((s, i) => s === seqs[i]);
  check(increasing && twice === 0 && absent === 0 && same && unnumbered === 0,
    'the event feed across the failover delivers every event exactly once',
    `${seqs.length} delivered, ${dbSeqs.length} in the database, ${twice} twice, ${absent} acknowledged writes without their event, ${unnumbered} not numbered${increasing ? '' : ', out of order'}`);
}
{
  const ids = new Set(acks.map((a) => a.id));
  const keys = new Set(acks.map((a) => a.key));
  const rows = cluster.sql(newLeader, `SELECT id FROM cases WHERE created_by LIKE 'cw-${runId}-%'`);
  const found = acks.filter((a) => rows.includes(a.id)).length;
  check(found === acks.length && rows.length === keys.size && ids.size === keys.size,
    'every acknowledged write is on the primary, once (retries with a key wrote nothing twice)',
    `${acks.length} acknowledged, ${found} found, ${rows.length} cases for ${keys.size} keys`);
  const onStandby = await until(20000, async () => {
    const r = new Set(cluster.sql(oldLeader, `SELECT id FROM cases WHERE created_by LIKE 'cw-${runId}-%'`));
    return acks.every((a) => r.has(a.id)) ? r : null;
  });
  check(onStandby !== null, 'and on the rejoined standby', `${acks.length} acknowledged writes`);
}
console.log(`\nload: ${acks.length} writes acknowledged, ${allAttempts().length} requests, ${reader.events.length} events read, ${secs(Date.now() - started)} s`);
finish();
