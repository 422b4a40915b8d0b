// End-to-end test of the chat page in a real browser: Debian chromium driven by playwright-core.
//
//   node chat.spec.mjs <baseUrl> <screenshotDir> [clarifyingQuestion]
//
// Run by dev.ivbot.examples.server.ChatPageBrowserTest (mvn test), which starts the server with
// the dev login on and picks an English question that the KB answers with a clarification.
// Exit code 0 when every step passed; 1 with a message otherwise. A screenshot per step.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [baseUrl, shotDir = 'target/screenshots', clarifying = 'help'] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: node chat.spec.mjs <baseUrl> <screenshotDir> [clarifyingQuestion]');
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });
const executablePath = process.env.IVBOT_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;

let step = 0;
function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let page;
const pageErrors = [];
async function shot(name) {
  step += 1;
  const file = join(shotDir, String(step).padStart(2, '0') + '-' + name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log('step ' + step + ' ok: ' + name + ' (' + file + ')');
}

async function ask(text) {
  const before = await page.locator('[data-testid=msg-bot], [data-testid=msg-system]').count();
  await page.fill('#text', text);
  await page.click('[data-testid=send]');
  const reply = page.locator('[data-testid=msg-bot], [data-testid=msg-system]').nth(before);
  await reply.waitFor({ timeout: TIMEOUT });
  return reply;
}

try {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 900, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // 1. the page, then the dev login (heartbeat every second so that the test sees one)
  await page.goto(baseUrl + '/?heartbeatMs=1000');
  await page.waitForSelector('body[data-ready=true]');
  check(await page.locator('#login').isVisible(), 'the login form shows');
  check((await page.textContent('h1')) === 'HR 问答助手', 'the UI starts in Chinese for a zh-CN browser');
  await shot('login-form');
  await page.fill('#user', 'e2e-candidate');
  await page.click('[data-testid=login]');
  await page.waitForSelector('#chat:not([hidden])');
  check(!(await page.locator('#login').isVisible()), 'the login form is gone once signed in');
  check((await page.textContent('#who')).includes('e2e-candidate'), 'the page shows who is signed in');
  await shot('signed-in');

  // 2. 年假有几天
  let reply = await ask('年假有几天');
  check((await reply.getAttribute('data-testid')) === 'msg-bot', 'a bot reply, not an error: ' + await reply.textContent());
  check((await reply.getAttribute('data-intent')) === 'leave_policy', 'annual leave is a leave_policy question');
  check((await reply.locator('.text').textContent()).includes('年假'), 'the answer is about annual leave');
  const meta = await reply.locator('[data-testid=meta]').textContent();
  check(/来源/.test(meta) && /ms/.test(meta), 'the reply shows its source and latency: ' + meta);
  await shot('annual-leave');

  // 3. 那病假呢: a follow-up in the same session
  reply = await ask('那病假呢');
  check((await reply.getAttribute('data-intent')) === 'leave_policy', 'the follow-up keeps the leave intent');
  check((await reply.getAttribute('data-source')) === 'CONTEXT', 'the follow-up is answered from the context');
  const sick = await reply.locator('.text').textContent();
  check(sick.includes('病假'), 'the answer is about sick leave: ' + sick);
  await shot('sick-leave-follow-up');

  // 4. the heartbeat keeps the session alive while the page is open
  const beat = await page.waitForResponse((r) => r.url().includes('/heartbeat'), { timeout: TIMEOUT });
  check(beat.status() === 200 && (await beat.json()).alive === true, 'a heartbeat renewed the session');

  // 5. switch to English
  await page.click('[data-testid=lang-toggle]');
  check((await page.textContent('[data-testid=send]')) === 'Send', 'the UI is in English');
  check((await page.textContent('h1')) === 'HR assistant', 'the title is in English');
  await shot('english-ui');

  // 6. an ambiguous question: the reply offers clarification buttons
  reply = await ask(clarifying);
  check((await reply.getAttribute('data-fallback-reason')) === 'AMBIGUOUS',
    '"' + clarifying + '" gets a clarifying reply: ' + await reply.textContent());
  const choices = reply.locator('[data-testid=choice]');
  check((await choices.count()) >= 2, 'at least two choices are offered');
  await shot('clarification');

  // 7. click the first choice: the answer to that intent, marked as the user's choice
  const chosen = await choices.first().getAttribute('data-intent');
  const before = await page.locator('[data-testid=msg-bot]').count();
  await choices.first().click();
  reply = page.locator('[data-testid=msg-bot]').nth(before);
  await reply.waitFor();
  check((await reply.getAttribute('data-intent')) === chosen, 'the answer is for the chosen intent ' + chosen);
  check((await reply.getAttribute('data-source')) === 'CHOICE', 'the source is the choice');
  check((await reply.locator('[data-testid=meta]').textContent()).includes('your choice'), 'meta in English');
  check(await choices.first().isDisabled(), 'the choice buttons are spent');
  await shot('choice-answered');

  // 8. the busy message, as a Redis failover would produce it (the API's 503 simulated here)
  await page.route('**/api/chat', (route) => route.fulfill({
    status: 503, contentType: 'application/json', headers: { 'Retry-After': '1' },
    body: JSON.stringify({ code: 'busy', message: 'The system is busy, please retry in a moment.' }),
  }));
  reply = await ask('how many vacation days do I get?');
  check((await reply.getAttribute('data-code')) === 'busy', 'the busy reply is shown as such');
  check((await reply.textContent()).includes('The system is busy'), 'the busy message is shown');
  await page.unroute('**/api/chat');
  await shot('busy');

  check(pageErrors.length === 0, 'no script errors on the page: ' + pageErrors.join('; '));
  console.log('chat page e2e: all ' + step + ' steps passed');
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error('chat page e2e FAILED at step ' + (step + 1) + ': ' + e.message);
  if (page) {
    try { await page.screenshot({ path: join(shotDir, 'failure.png'), fullPage: true }); } catch (ignored) { /* */ }
  }
  await browser.close();
  process.exit(1);
}
