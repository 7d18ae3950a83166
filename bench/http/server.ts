// Child process of the HTTP suite: starts one case's server and reports its port over IPC, so the
// load generator (autocannon, in the parent) and the server never share an event loop.
// Usage: node --import tsx http/server.ts <case id>   (secret in BENCH_JWT_SECRET)
import { startCase } from './apps.js';

const id = process.argv[2];
const secret = process.env['BENCH_JWT_SECRET'];
if (id === undefined || secret === undefined || process.send === undefined) {
  console.error('usage: BENCH_JWT_SECRET=… node --import tsx http/server.ts <case id>, as a forked child');
  process.exit(2);
}
const server = await startCase(id, secret);
// CPU time the server spends between 'cpu-start' and 'cpu-stop' (user + system, µs): divided by
// the requests served, it is the server's cost per request whether or not the client saturated it.
let cpuStart = process.cpuUsage();
process.on('message', (message) => {
  if (message === 'cpu-start') {
    cpuStart = process.cpuUsage();
    process.send?.({ cpu: 'started' });
  } else if (message === 'cpu-stop') {
    const used = process.cpuUsage(cpuStart);
    process.send?.({ cpuMicros: used.user + used.system });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send({ port: server.port });
