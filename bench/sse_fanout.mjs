// bench/sse_fanout.mjs: opens N Server-Sent-Event streams on GET /api/v1/events, then creates
// one report and measures how long `report.created` takes to reach every stream. Repeats a few
// times and prints one line for bench/run:
//
//   BENCH_SSE {"streams":1000,"connected":1000,"rounds":5,"p50_ms":..,"max_ms":..,"all_delivered":true}
//
// Usage: node bench/sse_fanout.mjs http://127.0.0.1:PORT TOKEN [STREAMS] [ROUNDS]
import http from 'node:http';

const [base, token, streamsArg = '1000', roundsArg = '5'] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node bench/sse_fanout.mjs BASE_URL TOKEN [STREAMS] [ROUNDS]');
  process.exit(1);
}
const STREAMS = Number(streamsArg);
const ROUNDS = Number(roundsArg);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

// reference → { count, last }: how many streams got its report.created, and when the last did.
const arrivals = new Map();
let wake = () => {};

function openStream(index) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: '/api/v1/events',
        agent,
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream ${index}: status ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event !== 'report.created' || !data) continue;
            const reference = JSON.parse(data).reference;
            const a = arrivals.get(reference) ?? { count: 0, last: 0 };
            a.count += 1;
            a.last = performance.now();
            arrivals.set(reference, a);
            wake();
          }
        });
        resolve(req);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function createReport(i) {
  const body = JSON.stringify({
    title: `Fan-out meting ${i}`,
    procedure: 'Benchmark',
    description: 'Een melding om de levering van gebeurtenissen te meten.',
    department: 'bsd',
    category: 'anders',
  });
  const res = await fetch(`${base}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  return (await res.json()).reference;
}

const started = performance.now();
const requests = [];
let connected = 0;
for (let i = 0; i < STREAMS; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(STREAMS, i + 50); j++) batch.push(openStream(j));
  for (const r of await Promise.allSettled(batch)) {
    if (r.status === 'fulfilled') {
      connected++;
      requests.push(r.value);
    } else {
      console.error(r.reason.message);
    }
  }
}
console.error(`[sse] ${connected} of ${STREAMS} streams open in ${Math.round(performance.now() - started)} ms`);

const times = [];
let allDelivered = connected === STREAMS;
for (let round = 0; round < ROUNDS; round++) {
  // From sending the create (its commit included) until the last stream has the event.
  const t0 = performance.now();
  const reference = await createReport(round);
  const complete = () => (arrivals.get(reference)?.count ?? 0) >= connected;
  const ok = await new Promise((resolve) => {
    if (complete()) return resolve(true);
    const timer = setTimeout(() => resolve(false), 10_000);
    wake = () => {
      if (complete()) {
        clearTimeout(timer);
        resolve(true);
      }
    };
  });
  wake = () => {};
  if (ok) {
    times.push(arrivals.get(reference).last - t0);
  } else {
    allDelivered = false;
    console.error(`[sse] round ${round}: only ${arrivals.get(reference)?.count ?? 0} of ${connected} streams got ${reference} within 10 s`);
  }
  await new Promise((r) => setTimeout(r, 200));
}
times.sort((a, b) => a - b);
const p50 = times.length ? times[Math.floor((times.length - 1) / 2)] : null;
const max = times.length ? times[times.length - 1] : null;
console.log(
  `BENCH_SSE ${JSON.stringify({ streams: STREAMS, connected, rounds: ROUNDS, p50_ms: p50 && +p50.toFixed(1), max_ms: max && +max.toFixed(1), all_delivered: allDelivered })}`,
);
for (const r of requests) r.destroy();
agent.destroy();
process.exit(0);
