// End-to-end test of the operators' review page in a real browser: Debian chromium driven by playwright-core.
//
//   node review.spec.mjs <baseUrl> <screenshotDir> <candidateToken> <question> <newAnswer>
//
// Run by dev.ivbot.examples.server.ReviewPageBrowserTest, which starts a server whose KB lacks an
// intent and sends that intent's questions as a candidate, so that they wait in the review queue.
// An operator signs in (dev login with the operator role), turns the cluster holding <question>
// into a new intent, and waits for the retrained model; then a candidate asks <question> on the
// chat page and must get <newAnswer>. The candidate's token must get 403 on every review endpoint.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [baseUrl, shotDir, candidateToken, question, newAnswer] = process.argv.slice(2);
if (!newAnswer) {
  console.error('usage: node review.spec.mjs <baseUrl> <screenshotDir> <candidateToken> <question> <newAnswer>');
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });
const executablePath = process.env.IVBOT_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 60000;
let step = 0;
let page;
function check(condition, message) { if (!condition) throw new Error('check failed: ' + message); }
async function shot(name) {
  step += 1;
  const file = join(shotDir, 'review-' + String(step).padStart(2, '0') + '-' + name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log('step ' + step + ' ok: ' + name + ' (' + file + ')');
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 900, height: 1400 } });
  page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // a candidate's token is refused by every review endpoint
  await page.goto(baseUrl + '/review.html');
  const statuses = await page.evaluate(async (token) => {
    const h = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
    const calls = [['GET', '/api/review/clusters'], ['POST', '/api/review/clusters/abc/add'],
      ['POST', '/api/review/clusters/abc/new'], ['POST', '/api/review/clusters/abc/dismiss']];
    const out = [];
    for (const [method, path] of calls) {
      const r = await fetch(path, { method, headers: h, body: method === 'POST' ? '{}' : undefined });
      out.push(r.status);
    }
    return out;
  }, candidateToken);
  check(statuses.every((s) => s === 403), 'candidate statuses ' + statuses);
  console.log('candidate token: ' + statuses.join(', '));

  // the operator signs in and sees the cluster
  await page.fill('#user', 'hr-operator');
  await page.click('[data-testid=login]');
  const card = page.locator('[data-testid=cluster]', { hasText: question }).first();
  await card.waitFor({ timeout: TIMEOUT });
  await shot('clusters');
  await card.locator('[data-testid=field-id]').fill('medical_exam');
  await card.locator('[data-testid=field-titleZh]').fill('入职体检');
  await card.locator('[data-testid=field-titleEn]').fill('Medical exam');
  await card.locator('[data-testid=field-answerZh]').fill(newAnswer);
  await card.locator('[data-testid=field-answerEn]').fill('Please take the medical exam at a listed centre.');
  await card.locator('[data-testid=create]').click();
  await page.locator('[data-testid=status]', { hasText: 'Saved' }).waitFor({ timeout: TIMEOUT });
  await shot('accepted');

  // the model retrains behind the gate; the operator's page can poll /health as a script would
  const deadline = Date.now() + 240000;
  for (;;) {
    const version = await page.evaluate(async () => (await (await fetch('/health')).json()).classifier.version);
    if (version === 'intent/2') break;
    check(Date.now() < deadline, 'no version 2 within 240 s (serving ' + version + ')');
    await page.waitForTimeout(500);
  }

  // the next chat turn with one of the cluster's questions gets the new answer
  const chat = await context.newPage();
  page = chat;
  await chat.goto(baseUrl + '/');
  await chat.evaluate((token) => { sessionStorage.setItem('ivbot.token', token); sessionStorage.setItem('ivbot.user', 'candidate'); }, candidateToken);
  await chat.goto(baseUrl + '/');
  await chat.fill('#text', question);
  await chat.click('[data-testid=send]');
  const reply = chat.locator('[data-testid=msg-bot]').last();
  await chat.locator('[data-testid=msg-bot]', { hasText: newAnswer }).waitFor({ timeout: TIMEOUT });
  await shot('new-answer');
  check((await reply.textContent()).includes(newAnswer), 'the new answer');
  check(errors.length === 0, 'page errors: ' + errors.join('; '));
  console.log('review page: ok');
} catch (e) {
  console.error(String(e && e.stack || e));
  if (page) { try { await shot('failure'); } catch (ignored) { /* the page may be gone */ } }
  await browser.close();
  process.exit(1);
}
await browser.close();
