// Server C, the peer: PostGraphile V5 with its amber preset over schema public, served by
// grafserv on node:http. Run with the Node 22 from bench/peer/node_modules (PostGraphile 5 needs it).
// Env: DATABASE_URL, PORT.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'] })],
  grafserv: { graphiql: false, watch: false, maskError: (e) => e },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 65_000;
serv.addTo(server).then(() => {
  const port = Number(process.env.PORT ?? 4200);
  server.listen(port, '127.0.0.1', () => console.log(`postgraphile listening on ${port}`));
});
const stop = () => server.close(() => void pgl.release().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
