// What the fault test needs to know about the cluster scripts/cluster.sh started: its
// ports, Patroni's view of the members, HAProxy's view of the services, the pids of the
// processes the script started, and SQL run as the superuser on one node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PSQL = '/usr/lib/postgresql/15/bin/psql';

function readEnvFile(path) {
  const out = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export class Cluster {
  constructor(state, binDir) {
    this.state = state;
    this.binDir = binDir;
    this.ports = Object.fromEntries(Object.entries(readEnvFile(`${state}/ports`)).map(([k, v]) => [k, Number(v)]));
    this.pgdir = readFileSync(`${state}/pgdir`, 'utf8').trim();
    this.api = `http://127.0.0.1:${this.ports.API_PORT}`;
    this.nodes = {
      pg1: { pg: this.ports.PG1_PORT, rest: this.ports.REST1_PORT },
      pg2: { pg: this.ports.PG2_PORT, rest: this.ports.REST2_PORT },
    };
  }

  // Patroni's members as one node's REST API reports them, or null when it does not answer.
  async members(node) {
    try {
      const res = await fetch(`http://127.0.0.1:${this.nodes[node].rest}/cluster`, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) return null;
      return (await res.json()).members || [];
    } catch {
      return null;
    }
  }

  // The members as any node reports them.
  async anyMembers() {
    for (const node of Object.keys(this.nodes)) {
      const m = await this.members(node);
      if (m) return m;
    }
    return [];
  }

  // The name of the node holding the leader key, or null.
  async leader() {
    const m = (await this.anyMembers()).find((x) => x.role === 'leader' && x.state === 'running');
    return m ? m.name : null;
  }

  postmasterPid(node) {
    return Number(readFileSync(`${this.pgdir}/${node}/data/postmaster.pid`, 'utf8').split('\n')[0]);
  }

  servicePid(svc) {
    return Number(readFileSync(`${this.state}/pids/${svc}.pid`, 'utf8').trim());
  }

  patroniLog(node) {
    return readFileSync(`${this.pgdir}/${node}/patroni.log`, 'utf8');
  }

  // HAProxy's status of one server of the fremdrift backend (UP, DOWN, ...).
  async haproxyStatus(server) {
    const res = await fetch(`http://127.0.0.1:${this.ports.STATS_PORT}/;csv`, { signal: AbortSignal.timeout(2000) });
    for (const line of (await res.text()).split('\n')) {
      const f = line.split(',');
      if (f[0] === 'fremdrift' && f[1] === server) return f[17];
    }
    return null;
  }

  // Rows of a query run as the superuser on one node (row-level security does not apply),
  // each row a string of |-separated columns.
  sql(node, query) {
    const out = execFileSync(PSQL, ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
      `host=127.0.0.1 port=${this.nodes[node].pg} user=postgres dbname=fremdrift connect_timeout=3`, '-c', query],
    { env: { ...process.env, PGPASSFILE: `${this.state}/pgpass` }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 20000 });
    return out.split('\n').filter((l) => l.length > 0);
  }

  // A one-hour development token signed with the cluster's key.
  token(role, sub, municipality) {
    const keys = readEnvFile(`${process.env.CLUSTER_KEYS || this.state}/service.env`);
    return execFileSync(`${this.binDir}/fremdrift-token`, ['--key', keys.FREMDRIFT_SIGNING_KEY, '--kid', 'dev-es256',
      '--alg', 'ES256', '--issuer', keys.FREMDRIFT_JWT_ISSUERS, '--audience', keys.FREMDRIFT_JWT_AUDIENCE,
      '--role', role, '--sub', sub, '--municipality', municipality, '--cpr', ''], { encoding: 'utf8' }).trim();
  }
}
