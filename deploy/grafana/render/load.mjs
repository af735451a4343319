// A few minutes of mixed work for the local run, so the dashboard has something to show: creates on the
// sample broker's sync, async and failing plans, updates, service keys and deletes, a few each second.
//
//   GATEWAY_URL=http://127.0.0.1:8080 DURATION_SECONDS=300 node load.mjs
const api = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
const seconds = Number(process.env.DURATION_SECONDS ?? 300);
const perSecond = Number(process.env.PER_SECOND ?? 4);

const login = await fetch(`${api}/oauth/token`, {
  method: 'POST',
  headers: { Authorization: `Basic ${Buffer.from('cf:').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=password&username=admin&password=admin',
});
const token = (await login.json()).access_token;

async function call(method, path, body) {
  const answer = await fetch(`${api}${path}`, {
    method, headers: { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : null };
}

const space = (await call('GET', '/v2/spaces?q=name:local-space')).body.resources[0].metadata.guid;
const plans = Object.fromEntries((await call('GET', '/v2/service_plans')).body.resources
  .map((plan) => [plan.entity.name, plan.metadata.guid]));
const created = [];
const pick = (choices) => choices[Math.floor(Math.random() * choices.length)];

async function oneStep(i) {
  const roll = Math.random();
  if (roll < 0.55 || created.length < 5) {
    const plan = pick(['sync', 'sync', 'async', 'async', 'failing']);
    const answer = await call('POST', '/v2/service_instances?accepts_incomplete=true', {
      name: `load-${Date.now()}-${i}`, space_guid: space, service_plan_guid: plans[plan],
      parameters: plan === 'async' ? { sample_broker: { delay_ms: 1000 + Math.floor(Math.random() * 4000) } } : {},
    });
    if (answer.status === 201 && plan !== 'failing') {
      created.push(answer.body.metadata.guid);
    }
  } else if (roll < 0.7) {
    await call('PUT', `/v2/service_instances/${pick(created)}?accepts_incomplete=true`, { parameters: { size: `s${i}` } });
  } else if (roll < 0.8) {
    await call('POST', '/v2/service_keys?accepts_incomplete=true', { name: `key-${i}`, service_instance_guid: pick(created) });
  } else {
    const guid = created.splice(Math.floor(Math.random() * created.length), 1)[0];
    await call('DELETE', `/v2/service_instances/${guid}?accepts_incomplete=true&recursive=true`);
  }
}

const until = Date.now() + seconds * 1000;
let i = 0;
while (Date.now() < until) {
  const tick = Date.now();
  await Promise.allSettled(Array.from({ length: perSecond }, () => oneStep(i++)));
  await new Promise((done) => setTimeout(done, Math.max(0, 1000 - (Date.now() - tick))));
}
console.log(`${i} requests in ${seconds} s`);
