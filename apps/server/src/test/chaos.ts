import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createDb, type Db } from '@alliance/db';
import { createTestDatabase, type TestDatabase } from '@alliance/db/testing';
import { addGoal, getGoals, snapshotRoadmap, type Role } from '@alliance/shared';
import { seeded } from '@alliance/shared/testing/random';
import * as Y from 'yjs';
import { signUp, type TestAccount } from './accounts.js';
import { loggedDoc, SocketClient, startTcpProxy } from './fixtures.js';
import { killHard, spawnServer } from './server-process.js';

/**
 * Chaos across several real server processes on one Postgres and one Redis of their own: in
 * seeded rounds, members spread over the processes keep editing one roadmap while one fault
 * strikes — a process killed (SIGKILL) and started again, Redis restarted, a process paused
 * (SIGSTOP, then SIGCONT), a process cut off from Postgres for a while. After each round every
 * member, every process's copy and the database must hold the same document, and every edit a
 * member was told was saved must be in it. Used by the test (a few rounds) and by the soak
 * script (many, with figures).
 */

export type Fault = 'kill' | 'redis-restart' | 'pause' | 'database-cut';
export const FAULTS: readonly Fault[] = ['kill', 'redis-restart', 'pause', 'database-cut'];

export interface ChaosOptions {
  seed: number;
  rounds: number;
  processes?: number;
  /** Prints a line per round (the soak script). */
  log?: (line: string) => void;
}

export interface ChaosReport {
  rounds: number;
  faults: Record<Fault, number>;
  edits: number;
  confirmed: number;
  /** From healing the fault to every copy being equal, per round, in ms. */
  convergenceMs: number[];
  /** Rounds whose copies did not become equal, or lost a confirmed edit (with what differed). */
  failures: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const roadmapOf = (doc: Y.Doc) => JSON.stringify(snapshotRoadmap(doc));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis of the run's own, so restarting it disturbs nobody else. It keeps nothing on disk. */
class OwnRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error('redis-server exited')));
    });
  }

  async down(): Promise<void> {
    if (this.child) await killHard(this.child);
    this.child = null;
  }
}

interface Process {
  url: string;
  child: ChildProcess;
  database: { cut(): void; restore(): void; close(): Promise<void> };
  paused: boolean;
}

/** A member editing through Socket.IO who, like the web app, joins again (anywhere) whenever asked to or cut off. */
class Member {
  readonly doc = new Y.Doc();
  readonly confirmed = new Set<string>();
  /** Codes of refusals and errors it was told, for a failure's message. */
  readonly told: string[] = [];
  edits = 0;
  private socket: SocketClient | null = null;
  private joining: Promise<void> | null = null;
  private seenErrors = 0;
  private counter = 0;

  constructor(
    readonly name: string,
    readonly account: TestAccount,
    readonly role: Role,
    private readonly workspaceId: string,
    private readonly pick: () => string,
  ) {}

  /** Whether it is joined and listening (not asked to join again). */
  get connected(): boolean {
    return this.socket !== null && this.socket.socket.connected && this.joining === null && this.socket.errors.length === this.seenErrors;
  }

  /** Joins again if it lost its connection or was asked to. */
  keepJoined(): Promise<void> {
    if (this.joining) return this.joining;
    if (this.socket && this.socket.socket.connected && this.socket.errors.length === this.seenErrors) return Promise.resolve();
    this.joining = this.rejoin().finally(() => (this.joining = null));
    return this.joining;
  }

  private async rejoin(): Promise<void> {
    for (;;) {
      this.socket?.close();
      this.socket = null;
      try {
        const socket = await SocketClient.connect(this.pick(), this.account.client.cookie);
        this.socket = socket;
        this.seenErrors = 0;
        socket.socket.on('doc:error', (error: { code: string }) => this.told.push(`error ${error.code}`));
        // The same Y.Doc: what it holds that the server lacks goes out with its sync step 2.
        await withTimeout(socket.join(this.workspaceId, 'roadmap', this.doc), 8_000);
        for (const answer of socket.stepTwoAnswers) void answer.then((ack) => !ack.ok && this.told.push(`sync refused ${ack.code}: ${ack.message}`));
        return;
      } catch {
        await sleep(200);
      }
    }
  }

  /**
   * Adds a goal now and then (a few dozen in all), else types a word into the "why" of a goal,
   * anywhere in it; remembers the words once the server says they are saved.
   */
  edit(random: () => number): void {
    const token = `<${this.name}.${++this.counter}>`;
    this.edits++;
    // Offline (or joining), the edit stays in the doc and goes out with the next join.
    const socket = this.connected ? this.socket : null;
    const goals = getGoals(this.doc);
    if (goals.length < 4 || (goals.length < 60 && random() < 0.1)) {
      addGoal(this.doc, { title: token, proposedBy: this.role });
    } else {
      const why = goals.get(Math.floor(random() * goals.length)).get('why') as Y.Text;
      // Between words, never inside one: each word must stay whole to be found again.
      const text = why.toString();
      const gaps = [0];
      for (let index = 0; index < text.length; index++) if (text[index] === ' ') gaps.push(index + 1);
      why.insert(gaps[Math.floor(random() * gaps.length)]!, ` ${token} `);
    }
    if (!socket) return;
    void socket.lastAck().then(
      (ack) => {
        if (ack.ok && ack.data?.saved) this.confirmed.add(token);
        if (!ack.ok) this.told.push(`refused ${ack.code}`);
      },
      () => {},
    );
  }

  /** Waits for the answers to everything sent on the current connection. */
  async settled(): Promise<void> {
    await this.socket?.settled();
  }

  close(): void {
    this.socket?.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]).finally(() => clearTimeout(timer));
}

/** Runs the chaos rounds; throws only when the setup itself fails. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const random = seeded(options.seed);
  const count = options.processes ?? 3;
  const log = options.log ?? (() => {});
  const report: ChaosReport = { rounds: 0, faults: { kill: 0, 'redis-restart': 0, pause: 0, 'database-cut': 0 }, edits: 0, confirmed: 0, convergenceMs: [], failures: [] };
  const cleanup: (() => unknown)[] = [];
  let database: TestDatabase | null = null;
  let db: Db | null = null;
  const members: Member[] = [];
  try {
    database = await createTestDatabase('postgres');
    const redis = await OwnRedis.start();
    cleanup.push(() => redis.down());
    const pgUrl = new URL(database.databaseUrl!);
    const pgTarget = { host: pgUrl.hostname, port: Number(pgUrl.port || 5432) };
    const processes: Process[] = [];
    const start = async (): Promise<Process> => {
      const proxy = await startTcpProxy(pgTarget);
      const viaProxy = new URL(database!.databaseUrl!);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const env = { DATABASE_URL: viaProxy.toString(), REDIS_URL: redis.url, REDIS_PREFIX: 'chaos', DOC_LEASE_TTL_MS: '2000' };
      const started = await spawnServer(env);
      return { url: started.url, child: started.child, database: proxy, paused: false };
    };
    for (let index = 0; index < count; index++) processes.push(await start());
    cleanup.push(async () => {
      for (const each of processes) {
        if (each.paused) each.child.kill('SIGCONT');
        await killHard(each.child);
        await each.database.close();
      }
    });
    db = createDb({ databaseUrl: database.databaseUrl });

    const [therapist, client] = await Promise.all([signUp(processes[0]!.url, 'Dana'), signUp(processes[0]!.url, 'Sam')]);
    const workspaceId = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${workspaceId}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);

    // Any process that is running and not paused; a member's next join lands on one at random.
    const pick = () => {
      const live = processes.filter((each) => !each.paused);
      return live[Math.floor(random() * live.length)]!.url;
    };
    for (let index = 0; index < count + 1; index++) {
      const therapistSide = index % 2 === 0;
      members.push(new Member(`m${index}`, therapistSide ? therapist : client, therapistSide ? 'therapist' : 'client', workspaceId, pick));
    }
    await Promise.all(members.map((member) => member.keepJoined()));

    let order: Fault[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Every fault once in each run of four, in a seeded order.
      if (round % FAULTS.length === 0) order = [...FAULTS].sort(() => random() - 0.5);
      const fault = order[round % FAULTS.length]!;
      const target = Math.floor(random() * processes.length);
      report.faults[fault]++;
      let healed = false;
      // Members edit all through the round, and join again whenever they have to.
      const editing = (async () => {
        while (!healed) {
          for (const member of members) {
            void member.keepJoined();
            if (random() < 0.6) member.edit(random);
          }
          await sleep(20 + Math.floor(random() * 60));
        }
      })();
      await sleep(200 + Math.floor(random() * 400));
      const faultMs = 800 + Math.floor(random() * 2_200);
      const victim = processes[target]!;
      if (fault === 'kill') {
        await killHard(victim.child);
        await victim.database.close();
        await sleep(faultMs);
        processes[target] = await start();
      } else if (fault === 'redis-restart') {
        await redis.down();
        await sleep(faultMs);
        await redis.up();
      } else if (fault === 'pause') {
        victim.paused = true;
        victim.child.kill('SIGSTOP');
        await sleep(faultMs);
        victim.child.kill('SIGCONT');
        victim.paused = false;
      } else {
        victim.database.cut();
        await sleep(faultMs);
        victim.database.restore();
      }
      const healedAt = Date.now();
      await sleep(300);
      healed = true;
      await editing;

      // Quiet now: everyone joins, answers come in, and every copy must become the same.
      const deadline = Date.now() + 45_000;
      let problem: string | null = null;
      for (;;) {
        await Promise.all(members.map((member) => member.keepJoined()));
        await Promise.all(members.map((member) => withTimeout(member.settled(), 10_000).catch(() => {})));
        problem = await compare(db.db, workspaceId, members, processes);
        if (!problem || Date.now() > deadline) break;
        await sleep(250);
      }
      report.rounds++;
      if (problem) {
        report.failures.push(`round ${round} (${fault} of process ${target}): ${problem}`);
        log(`round ${round}: ${fault} of process ${target}: FAILED: ${problem}`);
        break;
      }
      const tookMs = Date.now() - healedAt;
      report.convergenceMs.push(tookMs);
      log(`round ${round}: ${fault === 'redis-restart' ? fault : `${fault} of process ${target}`} for ${faultMs} ms; all copies equal ${tookMs} ms after healing`);
    }
    report.edits = members.reduce((sum, member) => sum + member.edits, 0);
    report.confirmed = members.reduce((sum, member) => sum + member.confirmed.size, 0);
    return report;
  } finally {
    for (const member of members) member.close();
    await db?.close();
    for (const step of cleanup.reverse()) await step();
    await database?.drop();
  }
}

/** Null when the members, each process's copy and the database hold the same roadmap with every confirmed edit; else what differs. */
async function compare(db: Db['db'], workspaceId: string, members: Member[], processes: Process[]): Promise<string | null> {
  const stored = await loggedDoc(db, workspaceId, 'roadmap');
  const expected = roadmapOf(stored);
  for (const member of members) {
    for (const token of member.confirmed) if (!expected.includes(token)) return `the confirmed edit ${token} is not in the database`;
    if (roadmapOf(member.doc) !== expected) {
      return `${member.name} differs from the database (${roadmapOf(member.doc).length} characters there, ${expected.length} stored; it was told: ${member.told.slice(-8).join(', ')})`;
    }
  }
  // Each process's copy, as a member joining there gets it.
  for (const [index, each] of processes.entries()) {
    const reader = await SocketClient.connect(each.url, members[0]!.account.client.cookie).catch(() => null);
    if (!reader) return `process ${index} cannot be reached`;
    try {
      const joined = await withTimeout(reader.join(workspaceId, 'roadmap'), 8_000);
      if (roadmapOf(joined.doc) !== expected) return `process ${index}'s copy differs from the database`;
    } catch (error) {
      return `process ${index} did not open the document (${(error as Error).message})`;
    } finally {
      reader.close();
    }
  }
  return null;
}
