/**
 * The reference the realtime figures are compared with: the stock `@y/websocket-server`
 * connection handler on a plain http + ws server, storing nothing (no YPERSISTENCE, no
 * callback). Started by run.ts in its own process, like our server, on 127.0.0.1 and port 0.
 *
 * It speaks the same startup line as our server (`{"event":"server.started","url":…}`) and
 * serves the same runtime figures at /api/metrics, so the bench treats both alike.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupWSConnection, docs } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { createRuntimeSampler } from '../src/routes/metrics.js';

// It stores nothing, so nothing is ever unsaved.
const sampler = createRuntimeSampler({ rooms: { stats: () => ({ openRooms: docs.size, unsavedUpdates: 0 }) } });

const http = createServer((request, response) => {
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'GET' && request.url === '/api/metrics') return reply(200, sampler.sample());
  if (request.method === 'POST' && request.url === '/api/metrics/reset') {
    sampler.reset();
    return reply(200, {});
  }
  if (request.method === 'POST' && request.url === '/api/metrics/gc') return reply(200, { collected: sampler.collectGarbage() });
  return reply(404, { error: 'not found' });
});

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (socket, request) => setupWSConnection(socket, request));
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(JSON.stringify({ event: 'server.started', url: `http://127.0.0.1:${port}` }));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const client of wss.clients) client.terminate();
    http.close(() => process.exit(0));
  });
}
