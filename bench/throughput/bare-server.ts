/**
 * The machine's ceiling in the throughput benchmark: a bare node:http server that reads each request,
 * parses its JSON body and answers 202 {executionId}, which is the least any Node.js webhook receiver
 * does, with nothing stored and nothing run. Argument: the port (loopback only). Prints "LISTENING".
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1) throw new Error(`usage: bare-server.ts <port>, got "${process.argv[2]}"`);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let status = 202;
    let body: string;
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body = JSON.stringify({ executionId: randomUUID() });
    } catch {
      status = 400;
      body = '{"error":{"code":"invalid_json","message":"The body is not JSON."}}';
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});

server.listen(port, '127.0.0.1', () => process.stdout.write('LISTENING\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
