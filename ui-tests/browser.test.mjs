// Browser tests of the embedded backend's web UI in Debian's headless chromium (playwright-core,
// no browser download). Driven by crates/obs-ui/tests/browser.rs, which starts real obs-embedded
// servers, sends real telemetry and passes:
//   OBS_UI_URL        the UI of a server that holds the smoke telemetry
//   OBS_UI_EMPTY_URL  the UI of a server that has received nothing
//   OBS_UI_TRACE_ID   the smoke trace id (32 hex)
//   OBS_UI_BIG_TRACE_ID a trace of 1,000 spans sent over OTLP/HTTP JSON, with log lines from two services
//   OBS_UI_10K_TRACE_ID, OBS_UI_100K_TRACE_ID optimizer-sweep traces of 10,000 and 100,000 spans
//   OBS_UI_PARTIAL_TRACE_ID a 5-span trace one of whose spans has a parent that was never sent
//   OBS_UI_OTLP_HTTP  the server's OTLP/HTTP endpoint, for log lines sent while a page tails them
//   OBS_UI_BACKTEST_TRACE_ID the trace of the `obs` example `backtest`
//   OBS_UI_SERVICE    the smoke service name (default peak_trade_smoke_sender)
//   OBS_UI_SCREENSHOTS where to save a screenshot of each view
//   OBS_UI_CHROMIUM   the browser (default /usr/bin/chromium)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`cargo test -p obs-ui --test browser\``);
  return value;
};
const BASE = need('OBS_UI_URL');
const EMPTY = need('OBS_UI_EMPTY_URL');
const TRACE_ID = need('OBS_UI_TRACE_ID');
const BIG_TRACE_ID = need('OBS_UI_BIG_TRACE_ID');
const BACKTEST_TRACE_ID = need('OBS_UI_BACKTEST_TRACE_ID');
const TRACE_10K = need('OBS_UI_10K_TRACE_ID');
const TRACE_100K = need('OBS_UI_100K_TRACE_ID');
const PARTIAL_TRACE_ID = need('OBS_UI_PARTIAL_TRACE_ID');
const OTLP_HTTP = need('OBS_UI_OTLP_HTTP');
const spanId = (n) => n.toString(16).padStart(16, '0');
const SERVICE = process.env.OBS_UI_SERVICE || 'peak_trade_smoke_sender';
const SHOTS = process.env.OBS_UI_SCREENSHOTS || new URL('../target/ui-screenshots/', import.meta.url).pathname;
const WAIT = { timeout: 15000 };

let browser;
let context;
let page;
const pageErrors = [];
const consoleErrors = [];
/** While set, the console's "Failed to load resource" lines for deliberate 4xx answers are expected. */
let expectHttpErrors = false;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.OBS_UI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (expectHttpErrors && /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
});

after(async () => {
  await browser?.close();
});

const shot = (name, fullPage = true) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
const text = (selector) => page.locator(selector).first().innerText();

/** The API's own error message for a URL on the same origin (what the UI must show). */
async function apiError(url) {
  const response = await page.request.get(url);
  assert.ok(response.status() >= 400, `${url} should fail, answered ${response.status()}`);
  const body = (await response.text()).trim();
  try { return JSON.parse(body).error || body; } catch { return body; }
}

test('the UI modules type-check against the API answer shapes (tsc --noEmit --checkJs)', () => {
  const tsc = new URL('./node_modules/typescript/bin/tsc', import.meta.url).pathname;
  if (!fs.existsSync(tsc)) throw new Error(`${tsc} is missing: run \`npm ci --prefix ui-tests\` or \`cargo xtask ci\``);
  try {
    execFileSync(process.execPath, [tsc, '-p', new URL('./tsconfig.json', import.meta.url).pathname], { encoding: 'utf8' });
  } catch (err) {
    assert.fail(`tsc found type errors:\n${err.stdout}${err.stderr}`);
  }
});

test('home lists the smoke service with its rates and the stores', async () => {
  await page.goto(`${BASE}/`);
  const row = page.locator(`tr[data-service="${SERVICE}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /\d+(\.\d+)?%|—/);
  await page.locator('[data-store="traces"]').waitFor();
  assert.match(await text('[data-endpoints]'), /OTLP gRPC\s+http:\/\/127\.0\.0\.1:\d+/);
  await shot('home');
});

test('trace search by service lists the smoke trace, and it opens as a waterfall', async () => {
  await page.goto(`${BASE}/traces`);
  const select = page.locator('select[name="service"]');
  await select.locator(`option[value="${SERVICE}"]`).waitFor({ state: 'attached' });
  await select.selectOption(SERVICE);
  const row = page.locator(`tr[data-trace-id="${TRACE_ID}"]`);
  await row.waitFor();
  assert.ok(page.url().includes(`service=${SERVICE}`), `the search is in the URL: ${page.url()}`);
  assert.match(await row.innerText(), /obs-smoke/);
  await shot('traces');
  const started = Date.now();
  await row.click();
  await page.waitForURL(`**/trace/${TRACE_ID}**`);
  const spanRow = page.locator('[data-waterfall] .wf-row', { hasText: 'obs-smoke' });
  await spanRow.waitFor();
  console.log(`# trace view rendered ${await page.locator('.wf-row').count()} span row(s) in ${Date.now() - started} ms (click to waterfall)`);
  await spanRow.click();
  assert.match(await text('[data-span-details]'), /obs-smoke[\s\S]*service\s+peak_trade_smoke_sender/);
  await shot('trace');
});

test('the trace links to its logs, which show the smoke log line and link back', async () => {
  await page.goto(`${BASE}/trace/${TRACE_ID}`);
  await page.locator('[data-logs-link]').click();
  await page.waitForURL('**/logs?**');
  const query = new URL(page.url()).searchParams.get('query');
  assert.equal(query, `{service_name=~".+"} | trace_id="${TRACE_ID}"`);
  const line = page.locator('[data-log-line]', { hasText: 'obs smoke log record' });
  await line.waitFor();
  assert.match(await line.locator('[data-trace-link]').getAttribute('href'), new RegExp(`^/trace/${TRACE_ID}(\\?span=[0-9a-f]{16})?$`));
  await line.click();
  assert.match(await line.innerText(), /trace_id\s+[0-9a-f]{32}/);
  await page.locator('[data-volume] svg rect').first().waitFor({ state: 'attached' });
  await shot('logs');
});

test('the label browser builds a stream selector', async () => {
  await page.goto(`${BASE}/logs`);
  await page.locator('[data-label="service_name"]').click();
  await page.locator(`[data-label-value="${SERVICE}"]`).click();
  await page.locator('[data-log-line]').first().waitFor();
  assert.equal(new URL(page.url()).searchParams.get('query'), `{service_name="${SERVICE}"}`);
});

test('a PromQL query draws a chart with a series and fills the instant table', async () => {
  await page.goto(`${BASE}/metrics`);
  const input = page.locator('input[name="query"]');
  await input.click();
  await input.pressSequentially('peak_trade_smo');
  await page.locator('[data-completion] div', { hasText: 'peak_trade_smoke_total' }).click();
  assert.equal(await input.inputValue(), 'peak_trade_smoke_total');
  await input.press('Enter');
  await page.locator('[data-chart] svg path[data-series]').first().waitFor({ state: 'attached' });
  assert.ok(Number(await page.locator('[data-chart] svg').getAttribute('data-series-count')) >= 1);
  assert.match(await text('[data-legend]'), new RegExp(`smoke_run_id="${TRACE_ID.replace(/^0+/, '0*')}"`));
  assert.match(await text('[data-instant] td.mono'), /^peak_trade_smoke_total\{/);
  assert.equal((await text('[data-instant] td.num')).trim(), '1');
  await page.locator('[data-chart] svg').hover();
  const tip = page.locator('[data-chart] .tip');
  await tip.waitFor();
  assert.match(await tip.innerText(), /peak_trade_smoke_total\{[\s\S]*: 1$/m);
  await shot('metrics');
});

test('the obs example backtest trace nests its spans and links to its logs', async () => {
  await page.goto(`${BASE}/trace/${BACKTEST_TRACE_ID}`);
  await page.locator('[data-waterfall] .wf-row').nth(1).waitFor();
  const depths = await page.locator('[data-waterfall] .wf-row .wf-name').evaluateAll((rows) => rows.map((r) => parseInt(r.style.paddingLeft, 10)));
  assert.ok(depths.some((px) => px > depths[0]), `no nested span among ${depths.length} rows`);
  await shot('backtest-trace');
  const rows = await page.locator('[data-waterfall] .wf-row').count();
  await page.locator('[data-waterfall] .wf-row').first().locator('.tog').click();
  assert.equal(await page.locator('[data-waterfall] .wf-row').count(), 1, 'collapsing the root hides its descendants');
  await page.locator('[data-waterfall] .wf-row').first().locator('.tog').click();
  assert.equal(await page.locator('[data-waterfall] .wf-row').count(), rows);
  await page.locator('[data-logs-link]').click();
  await page.locator('[data-log-line]').first().waitFor();
  await shot('backtest-logs');
});

test('a 1,000-span trace has every span in its treegrid, drawn only in view, with its critical path marked', async () => {
  await page.goto(`${BASE}/traces`);
  const started = Date.now();
  await page.goto(`${BASE}/trace/${BIG_TRACE_ID}`);
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  console.log(`# 1,000-span trace: page load to first waterfall rows in ${Date.now() - started} ms`);
  assert.equal(await page.locator('[data-waterfall]').getAttribute('aria-rowcount'), '1001');
  const drawn = await page.locator('[data-waterfall] .wf-row').count();
  assert.ok(drawn < 120, `${drawn} rows in the DOM for 1,000 spans`);
  const critical = await page.locator('[data-waterfall] .wf-bar.crit').count();
  assert.ok(critical >= 2 && critical < drawn, `critical path has ${critical} of ${drawn} drawn spans`);
  await shot('trace-1000-spans', false);
});

test('trace search narrows by span name, status and duration, from the URL', async () => {
  const hit = `${BASE}/traces?service=ui_big_trace&name=step-13&status=error&min=1s`;
  await page.goto(hit);
  await page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"]`).waitFor();
  assert.equal(await page.locator('select[name="status"]').inputValue(), 'error');
  assert.equal(await page.locator('input[name="min"]').inputValue(), '1s');
  await page.goto(`${BASE}/traces?service=ui_big_trace&max=1ms`);
  await page.locator('[data-results] [data-empty]').waitFor();
  await page.goto(`${BASE}/traces?q=${encodeURIComponent('{ name = "obs-smoke" }')}`);
  await page.locator(`tr[data-trace-id="${TRACE_ID}"]`).waitFor();
});

test('the trace model walks the critical path back from the root\'s end, and computes self times and subtree ranges', async () => {
  const path = await page.evaluate(async () => {
    const { parseTrace } = await import('/assets/js/trace-model.js');
    const span = (id, parent, start, end) => ({ spanId: id, parentSpanId: parent, name: id, startTimeUnixNano: String(start), endTimeUnixNano: String(end) });
    const trace = parseTrace({ batches: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [
      span('aaaaaaaaaaaaaaaa', '', 0, 100), span('bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa', 0, 40),
      span('cccccccccccccccc', 'aaaaaaaaaaaaaaaa', 10, 30), span('dddddddddddddddd', 'aaaaaaaaaaaaaaaa', 50, 90),
      span('eeeeeeeeeeeeeeee', 'dddddddddddddddd', 55, 60),
    ] }] }] });
    return {
      critical: trace.spans.filter((s) => s.critical).map((s) => s.name[0]),
      self: Object.fromEntries(trace.spans.map((s) => [s.name[0], Math.round(s.self * 1e6)])),
      ranges: trace.spans.map((s) => `${s.name[0]}${s.index}-${s.after}`).join(' '),
    };
  });
  // d ends last, then b finished before d started; c overlaps b, so it is off the path; e is d's only child.
  assert.deepEqual(path.critical, ['a', 'b', 'd', 'e']);
  // Self time is the duration minus the union of the children's intervals (b and c overlap).
  assert.deepEqual(path.self, { a: 20, b: 40, c: 20, d: 35, e: 5 });
  // Depth-first order, so a subtree is the index range [index, after).
  assert.equal(path.ranges, 'a0-5 b1-2 c2-3 d3-5 e4-5');
});

test('a Grafana Explore link with a trace id opens the trace view', async () => {
  const left = JSON.stringify({ datasource: 'tempo', queries: [{ refId: 'A', queryType: 'traceql', query: TRACE_ID }], range: { from: 'now-1h', to: 'now' } });
  await page.goto(`${BASE}/explore?orgId=1&left=${encodeURIComponent(left)}`);
  await page.waitForURL(`**/trace/${TRACE_ID}**`);
  await page.locator('[data-waterfall] .wf-row', { hasText: 'obs-smoke' }).waitFor();
});

test('empty states: no data yet, no match, unknown trace id', async () => {
  expectHttpErrors = true;
  await page.goto(`${EMPTY}/`);
  assert.match(await page.locator('[data-services] [data-empty]').innerText(), /No data yet/);
  await shot('empty-home');
  await page.goto(`${EMPTY}/traces`);
  assert.match(await page.locator('[data-results] [data-empty]').innerText(), /No traces in this time range yet/);
  await page.goto(`${BASE}/traces?service=no_such_service_anywhere`);
  assert.match(await page.locator('[data-results] [data-empty]').innerText(), /No traces match/);
  await shot('empty-traces');
  await page.goto(`${BASE}/trace/ffffffffffffffffffffffffffffffff`);
  assert.match(await page.locator('[data-empty]').innerText(), /Trace ffffffffffffffffffffffffffffffff was not found/);
  await shot('unknown-trace');
  await page.goto(`${BASE}/trace/not-a-trace-id`);
  assert.match(await page.locator('[data-empty]').innerText(), /"not-a-trace-id" is not a trace id/);
  await page.goto(`${BASE}/logs?query=${encodeURIComponent('{service_name="no_such_service_anywhere"}')}`);
  assert.match(await page.locator('[data-log-lines] [data-empty]').innerText(), /No log lines match/);
  await page.goto(`${BASE}/metrics?query=no_such_metric_anywhere`);
  assert.match(await page.locator('[data-chart] [data-empty]').innerText(), /No series/);
  expectHttpErrors = false;
});

test('errors: a bad query shows the API\'s message next to the box', async () => {
  expectHttpErrors = true;
  const cases = [
    ['/metrics?query=1%2B', '/api/datasources/proxy/uid/prometheus/api/v1/query?query=1%2B', 'promql-error'],
    [`/logs?query=${encodeURIComponent('{service_name=')}`, `/api/datasources/proxy/uid/loki/loki/api/v1/query_range?query=${encodeURIComponent('{service_name=')}`, 'logql-error'],
    [`/traces?q=${encodeURIComponent('{ nonsense ==')}`, `/api/datasources/proxy/uid/tempo/api/search?q=${encodeURIComponent('{ nonsense ==')}`, 'traceql-error'],
  ];
  for (const [uiPath, apiPath, name] of cases) {
    const message = await apiError(`${BASE}${apiPath}`);
    assert.ok(message.length > 0, `${apiPath} gave an empty error`);
    await page.goto(`${BASE}${uiPath}`);
    const box = page.locator('[data-error]:not(:empty)');
    await box.waitFor();
    const shown = await box.innerText();
    assert.ok(shown.includes(message), `${uiPath}: the UI shows ${JSON.stringify(shown)}, the API said ${JSON.stringify(message)}`);
    await shot(name);
  }
  expectHttpErrors = false;
});

// ---- helpers for the waterfall tests ----

/** Runs `action` (a click on `selector`, in the page) and answers the ms until two frames later. */
async function timedClick(selector) {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    const t0 = performance.now();
    el.click();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return Math.round(performance.now() - t0);
  }, selector);
}

/** Opens a trace and answers when its waterfall was interactive and painted, in ms after navigation. */
async function openTrace(id, query = '') {
  await page.goto(`${BASE}/trace/${id}${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => performance.getEntriesByName('obs:trace-interactive').length > 0, null, { timeout: 90000 });
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const fetched = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/traces/'));
    return {
      interactive: Math.round(performance.getEntriesByName('obs:trace-interactive')[0].startTime),
      painted: Math.round(performance.now()),
      fetched: Math.round(fetched?.responseEnd ?? NaN),
      bytes: fetched?.encodedBodySize ?? NaN,
      nodes: document.getElementsByTagName('*').length,
      rows: document.querySelectorAll('[data-waterfall] .wf-row').length,
    };
  });
}

/** Times open, collapse, expand and select on a big trace and prints them; pins virtualization. */
async function measureBigTrace(id, spans, label) {
  const open = await openTrace(id);
  assert.equal(await page.locator('[data-waterfall]').getAttribute('aria-rowcount'), String(spans + 1));
  assert.ok(open.rows <= 200, `${open.rows} row elements for ${spans} spans`);
  assert.ok(open.nodes <= 5000, `${open.nodes} DOM nodes for ${spans} spans`);
  await page.locator('[data-note="large"]').waitFor();
  const collapseRoot = await timedClick('[data-waterfall] [data-index="0"] [data-toggle]');
  assert.equal(await page.locator('[data-waterfall]').getAttribute('aria-rowcount'), '2');
  const expandRoot = await timedClick('[data-waterfall] [data-index="0"] [data-toggle]');
  assert.equal(await page.locator('[data-waterfall]').getAttribute('aria-rowcount'), String(spans + 1));
  const collapseChild = await timedClick('[data-waterfall] [data-index="1"] [data-toggle]');
  const expandChild = await timedClick('[data-waterfall] [data-index="1"] [data-toggle]');
  const select = await timedClick('[data-waterfall] .wf-row:nth-child(12) .nm');
  const selectedId = await page.locator('[data-waterfall] .wf-row:nth-child(12)').getAttribute('data-span-id');
  assert.equal(await page.locator('[data-span-details]').getAttribute('data-span-details'), selectedId);
  const collapseAll = await timedClick('[data-collapse-all]');
  const expandAll = await timedClick('[data-expand-all]');
  const scroll = await page.evaluate(async () => {
    const wf = document.querySelector('[data-waterfall]');
    const t0 = performance.now();
    wf.scrollTop = wf.scrollHeight;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r))));
    return Math.round(performance.now() - t0);
  });
  assert.ok(await page.locator(`[data-waterfall] [data-index="${spans - 1}"]`).count() === 1, 'the last span is drawn after scrolling to the bottom');
  console.log(`# ${label} (${spans} spans, ${(open.bytes / 1e6).toFixed(1)} MB JSON): fetched at ${open.fetched} ms, interactive at ${open.interactive} ms, painted at ${open.painted} ms after navigation; ${open.nodes} DOM nodes, ${open.rows} row elements`);
  console.log(`# ${label}: collapse root ${collapseRoot} ms, expand root ${expandRoot} ms, collapse depth-1 subtree ${collapseChild} ms, expand it ${expandChild} ms, select a span ${select} ms, collapse all ${collapseAll} ms, expand all ${expandAll} ms, scroll to bottom ${scroll} ms`);
}

test('a 10,000-span trace is virtualized and interactive; open, collapse, expand and select are timed', async () => {
  await measureBigTrace(TRACE_10K, 10000, '10k-span trace');
  await page.evaluate(() => { document.querySelector('[data-waterfall]').scrollTop = 0; });
  await page.locator('[data-waterfall] [data-index="0"]').waitFor();
  await shot('trace-10k', false);
});

test('a 100,000-span trace stays usable; open, collapse, expand and select are timed', async () => {
  await measureBigTrace(TRACE_100K, 100000, '100k-span trace');
});

test('collapse all, expand all and one level at a time; collapse state survives a reload', async () => {
  await openTrace(BIG_TRACE_ID);
  const rowcount = () => page.locator('[data-waterfall]').getAttribute('aria-rowcount').then(Number);
  await page.locator('[data-collapse-all]').click();
  assert.equal(await rowcount(), 2, 'collapse all leaves the root');
  await page.locator('[data-expand-level]').click();
  assert.equal(await rowcount(), 1 + 1 + 4, 'one level opens the root\'s 4 children');
  await page.locator('[data-expand-level]').click();
  assert.equal(await rowcount(), 1 + 1 + 4 + 16);
  await page.locator('[data-collapse-level]').click();
  assert.equal(await rowcount(), 1 + 1 + 4);
  await page.waitForTimeout(400); // the collapse state is saved 200 ms after the last change
  await page.reload();
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  assert.equal(await rowcount(), 6, 'the collapse state came back after reload');
  await page.locator('[data-expand-all]').click();
  assert.equal(await rowcount(), 1001);
});

test('large and partly evicted traces say so', async () => {
  await openTrace(PARTIAL_TRACE_ID);
  assert.match(await text('[data-note="partial"]'), /1 span has a parent not in this trace/);
  assert.equal(await page.locator('[data-note="large"]').count(), 0);
});

test('"Logs for this trace" covers every service; "Logs for this span" filters on span_id; the span lists its logs', async () => {
  await openTrace(BIG_TRACE_ID, `?span=${spanId(14)}`);
  await page.locator('[data-logs-link]').click();
  await page.waitForURL('**/logs?**');
  assert.equal(new URL(page.url()).searchParams.get('query'), `{service_name=~".+"} | trace_id="${BIG_TRACE_ID}"`);
  await page.locator('[data-log-line]', { hasText: 'lake read failed' }).waitFor();
  await page.locator('[data-log-line]', { hasText: 'sweep started' }).waitFor();
  assert.equal(await page.locator('[data-log-line]').count(), 3, 'the root service\'s and the worker\'s lines');
  await page.goBack();
  await page.locator(`[data-span-details="${spanId(14)}"]`).waitFor();
  const spanLog = page.locator('[data-span-details] [data-span-log]');
  await spanLog.first().waitFor();
  assert.equal(await spanLog.count(), 1);
  assert.match(await spanLog.innerText(), /lake read failed/);
  await page.locator('[data-span-logs-link]').click();
  await page.waitForURL('**/logs?**');
  assert.equal(new URL(page.url()).searchParams.get('query'), `{service_name=~".+"} | span_id="${spanId(14)}"`);
  await page.locator('[data-log-line]').first().waitFor();
  assert.equal(await page.locator('[data-log-line]').count(), 1);
  await shot('logs');
});

test('a log\'s trace link opens /trace/<id>?span=<span id>, which expands the ancestors and scrolls the span into view', async () => {
  await page.goto(`${BASE}/logs?query=${encodeURIComponent('{service_name="ui_log_worker"} |= "lake read failed"')}`);
  const link = page.locator('[data-log-line] [data-trace-link]').first();
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/trace/${BIG_TRACE_ID}?span=${spanId(14)}`);
  // Collapse the whole trace first, so the deep link must open the ancestors.
  await page.evaluate((id) => localStorage.setItem(`obs.collapsed.${id}`, JSON.stringify(['0000000000000001', '0000000000000004'])), BIG_TRACE_ID);
  await link.click();
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}?span=${spanId(14)}**`);
  const row = page.locator(`[data-waterfall] .wf-row[data-span-id="${spanId(14)}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('aria-selected'), 'true');
  assert.ok(await row.isVisible() && await inView(row), 'the span\'s row is in view');
  // A deep link far down a big trace scrolls there too.
  await openTrace(TRACE_10K, `?span=${spanId(9000)}`);
  const far = page.locator(`[data-waterfall] .wf-row[data-span-id="${spanId(9000)}"]`);
  await far.waitFor();
  assert.ok(await inView(far), 'span 9000 of 10,000 is scrolled into view');
  // Its span link opens the linked span of the other trace.
  await openTrace(TRACE_10K, `?span=${spanId(10000)}`);
  await page.locator('[data-span-link]').click();
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}?span=${spanId(14)}`);
  await page.locator(`[data-span-details="${spanId(14)}"]`).waitFor();
});

/** Whether the element's box lies inside the waterfall's visible area. */
async function inView(locator) {
  return locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const wf = el.closest('[data-waterfall]').getBoundingClientRect();
    return box.top >= wf.top + 20 && box.bottom <= wf.bottom && box.bottom <= window.innerHeight;
  });
}

test('trace list: counts or "—", sort on every column, duration bars, a scatter that opens traces, go-to-trace box and bare ids in TraceQL', async () => {
  await page.goto(`${BASE}/traces`);
  const row = page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"]`);
  await row.waitFor();
  assert.equal((await row.locator('[data-spans]').innerText()).trim(), '1000');
  assert.match(await row.locator('[data-errors]').innerText(), /✕ 11/);
  assert.ok(await row.locator('.dur-bar').count() === 1, 'a duration bar');
  for (const key of ['start', 'service', 'name', 'id', 'duration', 'spans', 'errors']) {
    await page.locator(`th[data-sort="${key}"] button`).click();
    const th = page.locator(`th[data-sort="${key}"]`);
    const first = await th.getAttribute('aria-sort');
    assert.ok(first === 'ascending' || first === 'descending', `${key} sorted`);
    await page.locator(`th[data-sort="${key}"] button`).click();
    assert.notEqual(await th.getAttribute('aria-sort'), first, `${key} sort flips`);
  }
  await page.locator('th[data-sort="spans"] button').click();
  if (await page.locator('th[data-sort="spans"]').getAttribute('aria-sort') !== 'descending') await page.locator('th[data-sort="spans"] button').click();
  assert.equal(await page.locator('tbody tr').first().getAttribute('data-trace-id'), TRACE_100K, 'the biggest trace first');
  assert.match(page.url(), /sort=-spans/);
  await page.goto(`${BASE}/traces?service=ui_big_trace`);
  await page.locator(`[data-dot="${BIG_TRACE_ID}"]`).dispatchEvent('click');
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}`);
  const spaced = BIG_TRACE_ID.toUpperCase().replace(/(.{8})/g, '$1 ');
  await page.locator('#goto-trace').fill(` ${spaced} `);
  await page.locator('#goto-trace').press('Enter');
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}`);
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  expectHttpErrors = true; // the 16-hex id is not a stored trace: its page says so after a 404
  await page.locator('#goto-trace').fill('00F067AA0BA902B7');
  await page.locator('#goto-trace').press('Enter');
  await page.waitForURL('**/trace/000000000000000000f067aa0ba902b7');
  await page.locator('[data-empty]').waitFor();
  expectHttpErrors = false;
  await page.goto(`${BASE}/traces`);
  await page.locator('input[name="q"]').fill(BIG_TRACE_ID.toUpperCase());
  await page.locator('input[name="q"]').press('Enter');
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}`);
  await page.goto(`${BASE}/traces?q=${BIG_TRACE_ID}`);
  await page.waitForURL(`**/trace/${BIG_TRACE_ID}`);
});

test('find in a trace: highlight, n of N, next and previous, reveals collapsed matches, kept in the URL; field filters; next error', async () => {
  await openTrace(TRACE_10K);
  await page.locator('[data-collapse-all]').click();
  const box = page.locator('input[name="find"]');
  await box.fill('needle-7f3a');
  await page.locator('[data-find-count]', { hasText: '1 of 37' }).waitFor();
  const first = await page.locator('[data-span-details]').getAttribute('data-span-details');
  assert.match(await text('[data-span-details] h2'), /needle-7f3a/, 'the first match is selected');
  const current = page.locator(`[data-waterfall] .wf-row.cur[data-span-id="${first}"]`);
  await current.waitFor();
  assert.ok(await inView(current), 'the match inside a collapsed subtree was revealed');
  assert.match(page.url(), /find=needle-7f3a/);
  await box.press('Enter');
  await page.locator('[data-find-count]', { hasText: '2 of 37' }).waitFor();
  await page.locator('[data-find-prev]').click();
  await page.locator('[data-find-prev]').click();
  await page.locator('[data-find-count]', { hasText: '37 of 37' }).waitFor();
  assert.ok(await page.locator('[data-waterfall] .wf-row.match').count() >= 1);
  await page.reload();
  await page.locator('[data-find-count]', { hasText: 'of 37' }).waitFor();
  assert.equal(await page.locator('input[name="find"]').inputValue(), 'needle-7f3a');
  await box.fill('status:error service:ui_sweep_lake');
  await page.locator('[data-find-count]', { hasText: '1 of 68' }).waitFor();
  await box.fill('needle-7f3a');
  await page.locator('[data-find-count]', { hasText: '1 of 37' }).waitFor();
  await page.locator('[data-next-error]').click();
  const errorId = await page.locator('[data-span-details]').getAttribute('data-span-details');
  assert.match(await text('[data-span-details]'), /ERROR/);
  await page.locator('[data-next-error]').click();
  assert.notEqual(await page.locator('[data-span-details]').getAttribute('data-span-details'), errorId);
  await shot('trace-find');
});

test('rows show self time and span kind; every service has its own colour; details have copy buttons and preformatted stacks', async () => {
  await openTrace(TRACE_10K, `?span=${spanId(4)}`);
  const colours = await page.locator('[data-services-legend] i').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  assert.equal(colours.length, 4);
  assert.equal(new Set(colours).size, 4, `service colours ${colours}`);
  assert.match(await page.locator('[data-waterfall] .wf-row .wf-self').first().innerText(), /\d/);
  assert.ok(await page.locator('[data-waterfall] .kind').count() > 0, 'span kinds are shown');
  const details = page.locator('[data-span-details]');
  assert.match(await details.innerText(), /self time/);
  assert.match(await details.innerText(), /after the span's start/);
  const stack = details.locator('pre[data-stack]').first();
  assert.equal(await stack.evaluate((el) => getComputedStyle(el).whiteSpace), 'pre');
  await details.locator('[data-copy="span id"]').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), spanId(4));
  await details.locator('[data-parent]').click();
  await page.locator(`[data-span-details="${spanId(1)}"]`).waitFor();
  const download = page.waitForEvent('download');
  await page.locator('[data-download^="span-"]').click();
  const file = await download;
  const json = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
  assert.equal(json.resourceSpans[0].scopeSpans[0].spans.length, 1);
});

test('keyboard only: the waterfall is a treegrid with arrows, Enter, aria-level/expanded/selected; / and ? work', async () => {
  await openTrace(BIG_TRACE_ID);
  await page.locator('[data-expand-all]').click();
  const grid = page.locator('[data-waterfall][role="treegrid"]');
  await grid.focus();
  const focused = () => page.evaluate(() => ({
    id: document.activeElement.dataset.spanId, level: document.activeElement.getAttribute('aria-level'),
    expanded: document.activeElement.getAttribute('aria-expanded'), role: document.activeElement.getAttribute('role'),
  }));
  assert.deepEqual(await focused(), { id: spanId(1), level: '1', expanded: 'true', role: 'row' });
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await focused(), { id: spanId(2), level: '2', expanded: 'true', role: 'row' });
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused()).expanded, 'false', 'Left collapses');
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused()).expanded, 'true', 'Right expands');
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused()).level, '3', 'Right on an open row goes to its first child');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused()).level, '3', 'Left on an open row collapses it first');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused()).id, spanId(2), 'then goes to the parent');
  await page.keyboard.press('Enter');
  await page.locator(`[data-span-details="${spanId(2)}"]`).waitFor();
  assert.equal(await page.locator(`[data-waterfall] [data-span-id="${spanId(2)}"]`).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('End');
  const last = (await focused()).id;
  assert.notEqual(last, spanId(2));
  await page.keyboard.press('Enter');
  await page.locator(`[data-span-details="${last}"]`).waitFor();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'find');
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await page.locator('[data-help]').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-help]').count(), 0);
  await page.goto(`${BASE}/logs`);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'query');
});

test('one history entry per navigation; span selection replaces; Back returns to the list at its scroll position', async () => {
  // A fresh tab: Chromium caps history.length at 50, which the earlier tests have reached.
  const previous = page;
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${BASE}/traces?service=ui_big_trace`);
  // Earlier tests may have left this trace collapsed (the state is kept per trace); start expanded.
  await page.evaluate((id) => localStorage.removeItem(`obs.collapsed.${id}`), BIG_TRACE_ID);
  const row = page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"]`);
  await row.waitFor();
  const before = await page.evaluate(() => history.length);
  await row.locator('a').click();
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  assert.equal(await page.evaluate(() => history.length), before + 1, 'a link click adds one entry');
  await page.locator('[data-waterfall] .wf-row:nth-child(3) .nm').click();
  await page.locator('[data-waterfall] .wf-row:nth-child(4) .nm').click();
  assert.equal(await page.evaluate(() => history.length), before + 1, 'selecting spans adds none');
  await row.page().goBack();
  await page.waitForURL('**/traces?service=ui_big_trace');
  await page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"]`).waitFor();
  await page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"] td.mono`).click();
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  assert.equal(await page.evaluate(() => history.length), before + 1, 'a row click adds one entry');
  // Back restores the list's scroll position.
  await page.setViewportSize({ width: 1400, height: 420 });
  await page.goto(`${BASE}/traces`);
  await page.locator('tbody tr').first().waitFor();
  await page.evaluate(() => window.scrollTo(0, 300));
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 100, `the list scrolls (${scrolled})`);
  await page.locator('tbody tr a').last().click();
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  await page.goBack();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, scrolled);
  await page.close();
  page = previous;
});

/** Text elements in view whose colour has less than 4.5:1 contrast with what is behind them. */
async function contrastFailures() {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, bottom) => { const a = top[3] ?? 1; return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)); };
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length === 4 && c[3] === 0) continue;
        layers.push(c);
        if (c.length === 3 || c[3] === 1) break;
      }
      let colour = [255, 255, 255];
      for (const layer of layers.reverse()) colour = over(layer, colour);
      return colour;
    };
    const failures = [];
    let checked = 0;
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg, .on-bar, [hidden]')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || box.bottom < 0 || box.top > innerHeight) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      checked += 1;
      if (ratio < 4.5) failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return { checked, failures: [...new Set(failures)] };
  });
}

test('a light theme follows prefers-color-scheme, a toggle overrides it, and both themes pass 4.5:1 contrast', async () => {
  const pages = [`/trace/${BIG_TRACE_ID}?span=${spanId(14)}`, '/traces?service=ui_big_trace', `/logs?query=${encodeURIComponent(`{service_name=~".+"} | trace_id="${BIG_TRACE_ID}"`)}`];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of pages) {
      await page.goto(`${BASE}${path}`);
      await page.locator('[data-waterfall] .wf-row, [data-trace-results], [data-log-line]').first().waitFor();
      await page.waitForTimeout(300);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(17, 18, 23)', `${scheme} body on ${path}`);
      const { checked, failures } = await contrastFailures();
      console.log(`# contrast, ${scheme} theme, ${path.split('?')[0]}: ${checked} text elements checked, ${failures.length} below 4.5:1`);
      assert.deepEqual(failures, [], `${scheme} theme on ${path}`);
      if (path.startsWith('/trace/')) await shot(`theme-${scheme}`, false);
    }
  }
  await page.locator('[data-theme-toggle]').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)', 'the toggle beats the dark preference');
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'the choice is kept');
  await page.locator('[data-theme-toggle]').click();
  await page.locator('[data-theme-toggle]').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined, 'back to following the system');
  await page.emulateMedia({ colorScheme: 'dark' });
});

test('unknown paths show the app\'s own not-found page', async () => {
  expectHttpErrors = true;
  for (const path of ['/foo', '/traces/', '/trace/']) {
    const response = await page.goto(`${BASE}${path}`);
    assert.equal(response.status(), 404);
    assert.match(await text('[data-not-found]'), /Page not found/);
  }
  expectHttpErrors = false;
});

test('under 1000 px wide the span details stay on screen', async () => {
  await page.setViewportSize({ width: 800, height: 900 });
  await openTrace(TRACE_10K, `?span=${spanId(500)}`);
  const box = await page.locator('[data-span-details]').boundingBox();
  assert.ok(box && box.y < 900 && box.y + 50 > 0, `details at y=${box?.y}`);
  await page.setViewportSize({ width: 1400, height: 900 });
});

/** Sends one log line over OTLP/HTTP JSON, as an SDK would. */
async function sendLog(service, body) {
  const record = { timeUnixNano: `${BigInt(Date.now()) * 1000000n}`, severityText: 'INFO', severityNumber: 9, body: { stringValue: body } };
  const response = await fetch(`${OTLP_HTTP}/v1/logs`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords: [record] }] }] }),
  });
  assert.equal(response.status, 200, await response.text());
}

test('logs: volume stacked by level with drag-to-zoom, level filter, wrap, prettify, filter out from a field, download, and live tail with pause', async () => {
  await page.goto(`${BASE}/logs?query=${encodeURIComponent(`{service_name=~".+"} | trace_id="${BIG_TRACE_ID}"`)}`);
  await page.locator('[data-log-line]').first().waitFor();
  assert.equal(await page.locator('[data-log-line]').count(), 3);
  const stacked = await page.locator('[data-volume] svg').getAttribute('data-stacked');
  assert.deepEqual(stacked.split(','), ['error', 'info'], 'the volume is stacked by level');
  await page.locator('button[data-level="error"]').click();
  assert.equal(await page.locator('[data-log-line]').count(), 1);
  assert.match(page.url(), /levels=error/);
  await page.locator('button[data-level="error"]').click();
  await page.locator('[data-option="wrap"]').uncheck();
  assert.ok(await page.locator('.loglines.nowrap').count() === 1 && /wrap=0/.test(page.url()));
  await page.locator('[data-option="pretty"]').check();
  assert.match(page.url(), /pretty=1/);
  const download = page.waitForEvent('download');
  await page.locator('[data-download-logs]').click();
  const lines = fs.readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  const worker = page.locator('[data-log-line]', { hasText: 'lake read failed' });
  await worker.focus();
  await page.keyboard.press('Enter');
  await worker.locator('[data-filter-out="service_name"]').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('query').includes('service_name!="ui_log_worker"'));
  await page.locator('[data-log-line]', { hasText: 'sweep started' }).waitFor();
  assert.equal(await page.locator('[data-log-line]').count(), 1, 'the worker\'s lines are filtered out');
  const chart = await page.locator('[data-volume] svg').boundingBox();
  await page.mouse.move(chart.x + chart.width * 0.5, chart.y + chart.height / 2);
  await page.mouse.down();
  await page.mouse.move(chart.x + chart.width * 0.95, chart.y + chart.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => /^\d+$/.test(new URL(location.href).searchParams.get('from') || ''));
  await sendLog('ui_live_tail', 'first line before tailing');
  await page.goto(`${BASE}/logs?query=${encodeURIComponent('{service_name="ui_live_tail"}')}`);
  await page.locator('[data-log-line]').first().waitFor();
  await page.locator('[data-live]').click();
  assert.equal(await page.locator('[data-live]').getAttribute('aria-pressed'), 'true');
  await sendLog('ui_live_tail', 'a line that arrived while tailing');
  await page.locator('[data-log-line]', { hasText: 'arrived while tailing' }).waitFor();
  await page.locator('[data-live]').click();
  assert.equal(await page.locator('[data-live]').getAttribute('aria-pressed'), 'false', 'paused');
});

test('PromQL legend entries toggle their series', async () => {
  await page.goto(`${BASE}/metrics?query=peak_trade_smoke_total`);
  const entry = page.locator('[data-legend-entry="0"]');
  await entry.waitFor();
  await entry.click();
  assert.equal(await page.locator('[data-series-group="0"]').getAttribute('visibility'), 'hidden');
  assert.equal(await entry.getAttribute('aria-pressed'), 'false');
  await entry.click();
  assert.equal(await page.locator('[data-series-group="0"]').getAttribute('visibility'), 'visible');
});

test('TraceQL and LogQL completion offer live tag names and values, filtered by what is typed', async () => {
  await page.goto(`${BASE}/traces`);
  const q = page.locator('input[name="q"]');
  await q.click();
  await q.pressSequentially('{ resource.service.na');
  await page.locator('[data-completion] div', { hasText: 'resource.service.name' }).first().waitFor();
  await q.press('Tab');
  assert.equal(await q.inputValue(), '{ resource.service.name');
  await q.pressSequentially(' = "ui_big');
  await page.locator('[data-completion] div', { hasText: '"ui_big_trace"' }).waitFor();
  assert.equal(await page.locator('[data-completion] div', { hasText: 'ui_sweep' }).count(), 0, 'values are filtered by what was typed');
  await q.press('Tab');
  assert.equal(await q.inputValue(), '{ resource.service.name = "ui_big_trace"');
  await page.goto(`${BASE}/logs`);
  const logql = page.locator('input[name="query"]');
  await logql.click();
  await logql.pressSequentially('{service_na');
  await page.locator('[data-completion] div', { hasText: 'service_name' }).first().waitFor();
  await logql.press('Tab');
  await logql.pressSequentially('="ui_log');
  await page.locator('[data-completion] div', { hasText: '"ui_log_worker"' }).waitFor();
  await logql.press('Tab');
  assert.equal(await logql.inputValue(), '{service_name="ui_log_worker"');
});

test('a UTC/local toggle prints every time in the chosen zone, with the zone shown', async () => {
  await page.goto(`${BASE}/traces?service=ui_big_trace`);
  const start = page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"] td`).first();
  await start.waitFor();
  assert.match(await start.innerText(), /\d{2}:\d{2}:\d{2}\.\d{3} UTC[+-]\d{2}:\d{2}$/);
  await page.locator('[data-tz-toggle]').click();
  await page.locator(`tr[data-trace-id="${BIG_TRACE_ID}"]`).waitFor();
  assert.match(await start.innerText(), /\d{2}:\d{2}:\d{2}\.\d{3} UTC$/);
  await page.locator('[data-tz-toggle]').click();
  assert.equal(await page.locator('[data-tz-toggle]').getAttribute('data-tz-toggle'), 'local');
});

test('the minimap zooms the time axis by dragging, and the zoom is kept in the URL', async () => {
  await openTrace(BIG_TRACE_ID);
  const strip = await page.locator('[data-minimap]').boundingBox();
  await page.mouse.move(strip.x + strip.width * 0.1, strip.y + strip.height / 2);
  await page.mouse.down();
  await page.mouse.move(strip.x + strip.width * 0.3, strip.y + strip.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => new URL(location.href).searchParams.has('zoom'));
  assert.match(await text('[data-zoom-label]'), /Zoomed to \+/);
  const firstTick = await text('[data-waterfall] .wf-tick');
  assert.notEqual(firstTick, '0µs', 'the axis starts inside the trace');
  await page.reload();
  await page.locator('[data-waterfall] .wf-row').first().waitFor();
  assert.match(await text('[data-zoom-label]'), /Zoomed to \+/);
  assert.equal(await text('[data-waterfall] .wf-tick'), firstTick);
  await page.locator('[data-zoom-reset]').click();
  assert.ok(!new URL(page.url()).searchParams.has('zoom'));
});

test('no page raised a JavaScript error or logged a console error', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});
