/**
 * The load generator, run as its own process by load.ts so that it does not share an event loop with
 * the orchestrator. Argument: JSON {url, connections, duration, body}. Prints "START" when the load
 * begins, then one JSON line with autocannon's result and this process's own CPU time.
 */
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  body: string;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.url}: loopback only`);
  const cpuBefore = process.cpuUsage();
  const startMs = Date.now();
  process.stdout.write('START\n');
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.body,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const endMs = Date.now();
  process.stdout.write(`RESULT ${JSON.stringify({ startMs, endMs, cpuMicros: cpu.user + cpu.system, result })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
