// A counting TCP proxy in front of PostgreSQL: it forwards bytes unchanged and counts the SQL
// statements clients send (simple-protocol Query 'Q' and extended-protocol Execute 'E' messages),
// the same way for every server. Used only in the (untimed) checking phase.
import { createServer, connect, type Server, type Socket } from 'node:net';

/** application_name of Trackr's background connections (src/events/realtime.ts, src/events/revocations.ts). */
const BACKGROUND = new Set(['trackr-relay', 'trackr-sessions']);

export class StatementProxy {
  statements = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    private readonly upstreamPort: number,
    private readonly upstreamHost = '127.0.0.1',
  ) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.handle(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy: no port');
    return address.port;
  }

  private handle(client: Socket): void {
    const upstream = connect(this.upstreamPort, this.upstreamHost);
    this.sockets.add(client).add(upstream);
    let buffer: Buffer = Buffer.alloc(0);
    let startup = true;
    let counted = true;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      // Startup (and SSLRequest) messages have no type byte: int32 length first.
      while (true) {
        if (startup) {
          if (buffer.length < 4) break;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) break;
          const code = buffer.readInt32BE(4);
          // Trackr's outbox relay and its session revocation listener work in the background on
          // connections of their own: not a request's statements.
          if (code === 196608 && BACKGROUND.has(startupParameters(buffer.subarray(8, len)).get('application_name') ?? '')) counted = false;
          buffer = buffer.subarray(len);
          if (code !== 80877103 && code !== 80877104) startup = false; // not SSLRequest / GSSENCRequest
          continue;
        }
        if (buffer.length < 5) break;
        const len = buffer.readInt32BE(1);
        if (buffer.length < len + 1) break;
        const type = buffer[0];
        if (counted && (type === 0x51 /* Q */ || type === 0x45) /* E */) this.statements++;
        buffer = buffer.subarray(len + 1);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A startup message's parameters (name\0value\0 … \0). */
function startupParameters(body: Buffer): Map<string, string> {
  const parts = body.toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) parameters.set(parts[i], parts[i + 1]);
  return parameters;
}
