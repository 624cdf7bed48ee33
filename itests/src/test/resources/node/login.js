// node-postgres login for AuthTlsIT: connects, prints one row, exits.
//   node login.js HOST PORT USER PASSWORD DATABASE [CA_FILE]
// With CA_FILE: TLS with the server certificate verified against it (server name "localhost")
// and SCRAM-SHA-256-PLUS channel binding enabled; without: no TLS.
// Prints "row {json}" and exits 0, or "error SQLSTATE message" and exits 1.
'use strict';
const fs = require('fs');
const { Client } = require('pg');

const [host, port, user, password, database, ca] = process.argv.slice(2);
const config = { host, port: Number(port), user, password, database, connectionTimeoutMillis: 10000, query_timeout: 10000 };
if (ca) {
  config.ssl = { ca: fs.readFileSync(ca, 'utf8'), servername: 'localhost', rejectUnauthorized: true };
  config.enableChannelBinding = true;
}

(async () => {
  const c = new Client(config);
  try {
    await c.connect();
    const r = await c.query(
      'SELECT current_user AS "user", s.ssl AS ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
    process.stdout.write('row ' + JSON.stringify(r.rows[0]) + '\n');
    await c.end();
    process.exit(0);
  } catch (e) {
    process.stdout.write('error ' + e.code + ' ' + e.message + '\n');
    process.exit(1);
  }
})();
