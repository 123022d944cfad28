// Browser tests of the embedded backend's web UI in Debian's headless chromium (playwright-core,
// no browser download). Driven by crates/obs-ui/tests/browser.rs, which starts real obs-embedded
// servers, sends real telemetry and passes:
//   OBS_UI_URL        the UI of a server that holds the smoke telemetry
//   OBS_UI_EMPTY_URL  the UI of a server that has received nothing
//   OBS_UI_TRACE_ID   the smoke trace id (32 hex)
//   OBS_UI_BIG_TRACE_ID a trace of 1,000 spans sent over OTLP/HTTP JSON
//   OBS_UI_BACKTEST_TRACE_ID the trace of the `obs` example `backtest`
//   OBS_UI_SERVICE    the smoke service name (default peak_trade_smoke_sender)
//   OBS_UI_SCREENSHOTS where to save a screenshot of each view
//   OBS_UI_CHROMIUM   the browser (default /usr/bin/chromium)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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
const SERVICE = process.env.OBS_UI_SERVICE || 'peak_trade_smoke_sender';
const SHOTS = process.env.OBS_UI_SCREENSHOTS || new URL('../target/ui-screenshots/', import.meta.url).pathname;
const WAIT = { timeout: 15000 };

let browser;
let page;
const pageErrors = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.OBS_UI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(WAIT.timeout);
  page.on('pageerror', (err) => pageErrors.push(err.message));
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
  assert.equal(query, `{service_name="${SERVICE}"} | trace_id="${TRACE_ID}"`);
  const line = page.locator('[data-log-line]', { hasText: 'obs smoke log record' });
  await line.waitFor();
  assert.equal(await line.locator('[data-trace-link]').getAttribute('href'), `/trace/${TRACE_ID}`);
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

test('a 1,000-span trace renders every span, with its critical path marked', async () => {
  await page.goto(`${BASE}/traces`);
  const started = Date.now();
  await page.goto(`${BASE}/trace/${BIG_TRACE_ID}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-waterfall] .wf-row').length === 1000);
  console.log(`# 1,000-span trace: page load to 1,000 waterfall rows in ${Date.now() - started} ms`);
  const critical = await page.locator('[data-waterfall] .wf-bar.crit').count();
  assert.ok(critical >= 2 && critical < 1000, `critical path has ${critical} spans`);
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

test('the trace model walks the critical path back from the root\'s end', async () => {
  const path = await page.evaluate(async () => {
    const { parseTrace } = await import('/assets/js/trace-model.js');
    const span = (id, parent, start, end) => ({ spanId: id, parentSpanId: parent, name: id, startTimeUnixNano: String(start), endTimeUnixNano: String(end) });
    const trace = parseTrace({ batches: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [
      span('aaaaaaaaaaaaaaaa', '', 0, 100), span('bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa', 0, 40),
      span('cccccccccccccccc', 'aaaaaaaaaaaaaaaa', 10, 30), span('dddddddddddddddd', 'aaaaaaaaaaaaaaaa', 50, 90),
      span('eeeeeeeeeeeeeeee', 'dddddddddddddddd', 55, 60),
    ] }] }] });
    return trace.spans.filter((s) => s.critical).map((s) => s.name[0]);
  });
  // d ends last, then b finished before d started; c overlaps b, so it is off the path; e is d's only child.
  assert.deepEqual(path, ['a', 'b', 'd', 'e']);
});

test('a Grafana Explore link with a trace id opens the trace view', async () => {
  const left = JSON.stringify({ datasource: 'tempo', queries: [{ refId: 'A', queryType: 'traceql', query: TRACE_ID }], range: { from: 'now-1h', to: 'now' } });
  await page.goto(`${BASE}/explore?orgId=1&left=${encodeURIComponent(left)}`);
  await page.waitForURL(`**/trace/${TRACE_ID}**`);
  await page.locator('[data-waterfall] .wf-row', { hasText: 'obs-smoke' }).waitFor();
});

test('empty states: no data yet, no match, unknown trace id', async () => {
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
});

test('errors: a bad query shows the API\'s message next to the box', async () => {
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
});

test('no page raised a JavaScript error', () => {
  assert.deepEqual(pageErrors, []);
});
