/**
 * One thread of the load generator (started by `load-pool.ts`): it opens its share of the
 * rooms and drives their clients on the main thread's commands. Both clients of a room live in
 * the same thread, so each propagation sample is timed with one clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { mapConcurrent } from './api-client.js';
import { openLink } from './clients.js';
import { LoadClient, PhaseRecorder, ensureGoal, pairUp, sleep, type Room } from './load.js';
import type { LoadCommand, LoadReply, StopReport } from './load-pool.js';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread of the bench');

const recorder = new PhaseRecorder();
const rooms: Room[] = [];
const closers: (() => void)[] = [];
let timers: NodeJS.Timeout[] = [];
const failures: unknown[] = [];
const ownDelay = monitorEventLoopDelay({ resolution: 10 });

const clients = () => rooms.flatMap((room) => [room.a, room.b]);
const undelivered = () => clients().reduce((sum, client) => sum + client.undelivered(), 0);

async function open(command: Extract<LoadCommand, { type: 'open' }>): Promise<void> {
  const opened = await mapConcurrent(command.rooms.length, command.concurrency, async (index) => {
    const spec = command.rooms[index]!;
    // One after the other: the first member's process owns the document (several processes).
    const a = await openLink(spec.a);
    closers.push(a.close);
    const b = await openLink(spec.b);
    closers.push(b.close);
    const room = pairUp(new LoadClient(a.link, recorder), new LoadClient(b.link, recorder));
    await ensureGoal(room);
    return room;
  });
  rooms.push(...opened);
}

/**
 * Open-loop load: every client edits at a fixed rate, whether or not earlier edits were
 * delivered or confirmed (a person typing does not wait for the network). The clients' phases
 * are spread evenly over one period, shifted by `phase` of a client's share so the threads'
 * clients interleave.
 */
function start(ratePerClient: number, phase: number): void {
  const periodMs = 1000 / ratePerClient;
  const all = clients();
  all.forEach((client, index) => {
    const tick = () => {
      try {
        client.edit();
      } catch (error) {
        failures.push(error);
      }
    };
    timers.push(setTimeout(() => timers.push(setInterval(tick, periodMs)), ((index + phase) / all.length) * periodMs));
  });
}

function measure(on: boolean): void {
  recorder.measuring = on;
  if (on) {
    ownDelay.reset();
    ownDelay.enable();
  } else {
    ownDelay.disable();
  }
}

/** Stops the load, waits at most `drainMs` for late deliveries and confirmations, and reports. */
async function stop(drainMs: number): Promise<StopReport> {
  for (const timer of timers) clearInterval(timer);
  timers = [];
  ownDelay.disable();
  const confirms = rooms[0]?.a.link.confirms ?? false;
  const deadline = performance.now() + drainMs;
  while (performance.now() < deadline && (undelivered() > 0 || (confirms && recorder.pendingAcks > 0))) await sleep(50);
  recorder.undelivered = undelivered();
  const failure = failures.shift();
  failures.length = 0;
  // The monitor's resolution is 10 ms: what it reports beyond that is the delay.
  const beyond = (ns: number) => Math.max(0, Math.round((ns / 1e6 - 10) * 10) / 10);
  return {
    recorder: recorder.state(),
    loopDelayMs: { max: beyond(ownDelay.max), p99: beyond(ownDelay.percentile(99)) },
    failure: failure === undefined ? null : failure instanceof Error ? failure.message : String(failure),
  };
}

function close(): void {
  for (const timer of timers) clearInterval(timer);
  for (const closeLink of closers.splice(0)) closeLink();
}

async function run(command: LoadCommand): Promise<unknown> {
  switch (command.type) {
    case 'open':
      return open(command);
    case 'start':
      return start(command.ratePerClient, command.phase);
    case 'measure':
      return measure(command.on);
    case 'stop':
      return stop(command.drainMs);
    case 'close':
      return close();
  }
}

port.on('message', (command: LoadCommand) => {
  run(command).then(
    (value) => port.postMessage({ id: command.id, ok: true, value } satisfies LoadReply),
    (error: unknown) => port.postMessage({ id: command.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
