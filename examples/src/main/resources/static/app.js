// ivbot chat page: plain JS, no build step. Talks to /dev/login, /api/chat and
// /api/sessions/{id}/heartbeat of the same origin. Keeps the token and the session id in
// sessionStorage (one conversation per browser tab), the UI language in localStorage.
'use strict';

const I18N = {
  zh: {
    title: 'HR 问答助手', newSession: '新对话', logout: '退出', loginTitle: '登录',
    loginHint: '演示登录：输入任意用户名即可获得一个测试令牌。', user: '用户名',
    token: '或粘贴门户签发的 JWT', login: '登录', send: '发送',
    placeholder: '请输入您的问题，例如：年假有几天？', langToggle: 'English',
    source: '来源', latency: '耗时', degraded: '降级', signedIn: '已登录：',
    busy: '系统繁忙', error: '出错了', sessionExpired: '登录已失效，请重新登录。',
    noDevLogin: '此服务器未开启演示登录，请粘贴门户签发的 JWT。', thinking: '正在思考…',
    sources: { MODEL: '模型', RULES: '规则', CACHE: '缓存', CONTEXT: '上下文', CHOICE: '您的选择', FALLBACK: '兜底' },
  },
  en: {
    title: 'HR assistant', newSession: 'New chat', logout: 'Sign out', loginTitle: 'Sign in',
    loginHint: 'Demo sign-in: any user name gets a test token.', user: 'User name',
    token: 'or paste a JWT issued by your portal', login: 'Sign in', send: 'Send',
    placeholder: 'Ask a question, e.g. how many vacation days do I get?', langToggle: '中文',
    source: 'source', latency: 'latency', degraded: 'degraded', signedIn: 'Signed in: ',
    busy: 'System busy', error: 'Error', sessionExpired: 'Your sign-in expired, please sign in again.',
    noDevLogin: 'This server has no demo sign-in; paste a JWT issued by your portal.', thinking: 'Thinking…',
    sources: { MODEL: 'model', RULES: 'rules', CACHE: 'cache', CONTEXT: 'context', CHOICE: 'your choice', FALLBACK: 'fallback' },
  },
};

const params = new URLSearchParams(location.search);
const HEARTBEAT_MS = Math.max(500, Number(params.get('heartbeatMs')) || 30000);
const $ = (id) => document.getElementById(id);
const store = window.sessionStorage;
const savedLang = localStorage.getItem('ivbot.lang');
let lang = savedLang === 'zh' || savedLang === 'en' ? savedLang
  : ((navigator.language || 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en');
let devLogin = true;
let heartbeatTimer = null;

function t(key) { return I18N[lang][key]; }

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = 'ivbot · ' + t('title');
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  $('lang').textContent = t('langToggle');
  const user = store.getItem('ivbot.user');
  $('who').textContent = user ? t('signedIn') + user : '';
  document.querySelectorAll('.meta').forEach(renderMeta);
}

function newSessionId() {
  if (window.crypto && crypto.randomUUID) return 'web-' + crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sessionId() {
  let id = store.getItem('ivbot.session');
  if (!id) { id = newSessionId(); store.setItem('ivbot.session', id); }
  return id;
}

async function api(method, path, body) {
  const headers = { 'Accept-Language': lang };
  const token = store.getItem('ivbot.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await response.json(); } catch (e) { json = { code: 'http_' + response.status, message: response.statusText }; }
  return { status: response.status, json };
}

function show(signedIn) {
  $('login').hidden = signedIn;
  $('chat').hidden = !signedIn;
  $('logout').hidden = !signedIn;
  $('new-session').hidden = !signedIn;
  applyLanguage();
  if (signedIn) { startHeartbeat(); $('text').focus(); } else { stopHeartbeat(); }
}

function add(kind, text) {
  const li = document.createElement('li');
  li.className = 'msg ' + kind;
  li.dataset.testid = 'msg-' + kind;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  li.appendChild(body);
  $('log').appendChild(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

function renderMeta(meta) {
  const d = meta.dataset;
  meta.textContent = '';
  const source = document.createElement('span');
  source.className = 'source';
  source.textContent = t('source') + ': ' + (I18N[lang].sources[d.source] || d.source);
  meta.appendChild(source);
  meta.appendChild(document.createTextNode(' · ' + t('latency') + ': ' + d.latency + ' ms'
      + (d.degraded === 'true' ? ' · ' + t('degraded') : '')));
}

function addReply(reply) {
  const li = add('bot', reply.text);
  li.dataset.intent = reply.intent || '';
  li.dataset.source = reply.source;
  li.dataset.fallbackReason = reply.fallbackReason || '';
  const meta = document.createElement('small');
  meta.className = 'meta';
  meta.dataset.testid = 'meta';
  meta.dataset.source = reply.source;
  meta.dataset.latency = Number(reply.latencyMs).toFixed(reply.latencyMs < 10 ? 2 : 0);
  meta.dataset.degraded = String(reply.degraded);
  renderMeta(meta);
  li.appendChild(meta);
  if (reply.choices && reply.choices.length) {
    const group = document.createElement('div');
    group.className = 'choices';
    for (const choice of reply.choices) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = choice.label;
      b.dataset.testid = 'choice';
      b.dataset.intent = choice.intent;
      b.addEventListener('click', () => {
        group.querySelectorAll('button').forEach((x) => { x.disabled = true; });
        send(choice.label, choice.intent);
      });
      group.appendChild(b);
    }
    li.appendChild(group);
  }
  li.scrollIntoView({ block: 'end' });
}

async function send(text, choice) {
  add('user', text);
  $('status').textContent = t('thinking');
  const body = { sessionId: sessionId(), text };
  if (choice) body.choice = choice;
  try {
    const { status, json } = await api('POST', '/api/chat', body);
    if (status === 200) {
      addReply(json);
    } else if (status === 503 && json.code === 'busy') {
      add('system', t('busy') + ': ' + json.message).dataset.code = 'busy';
    } else if (status === 401) {
      signOut(t('sessionExpired'));
    } else {
      add('system', t('error') + ' ' + status + ' (' + json.code + '): ' + json.message).dataset.code = json.code;
    }
  } catch (e) {
    add('system', t('error') + ': ' + e.message);
  } finally {
    $('status').textContent = '';
  }
}

function startHeartbeat() {
  stopHeartbeat();
  heartbeatTimer = setInterval(async () => {
    if (document.visibilityState === 'hidden' && HEARTBEAT_MS >= 30000) return;
    try {
      const { status } = await api('POST', '/api/sessions/' + encodeURIComponent(sessionId()) + '/heartbeat');
      if (status === 401) signOut(t('sessionExpired'));
    } catch (e) { /* offline: the next beat retries */ }
  }, HEARTBEAT_MS);
}

function stopHeartbeat() {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  heartbeatTimer = null;
}

function signOut(message) {
  store.removeItem('ivbot.token');
  store.removeItem('ivbot.user');
  store.removeItem('ivbot.session');
  $('log').textContent = '';
  show(false);
  $('login-error').textContent = message || '';
}

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const pasted = $('token').value.trim();
  const user = $('user').value.trim();
  if (pasted) {
    store.setItem('ivbot.token', pasted);
    store.setItem('ivbot.user', user || '(JWT)');
    show(true);
    return;
  }
  if (!devLogin) { $('login-error').textContent = t('noDevLogin'); return; }
  const { status, json } = await api('POST', '/dev/login', { user });
  if (status !== 200) { $('login-error').textContent = json.message; return; }
  store.setItem('ivbot.token', json.token);
  store.setItem('ivbot.user', json.user);
  show(true);
}

async function init() {
  try {
    const head = await fetch('/', { method: 'HEAD' });
    devLogin = head.headers.get('X-Ivbot-Dev-Login') === 'true';
  } catch (e) { devLogin = false; }
  $('login').addEventListener('submit', login);
  $('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    $('text').value = '';
    send(text);
  });
  $('lang').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('ivbot.lang', lang);
    applyLanguage();
  });
  $('logout').addEventListener('click', () => signOut(''));
  $('new-session').addEventListener('click', async () => {
    const old = store.getItem('ivbot.session');
    store.setItem('ivbot.session', newSessionId());
    $('log').textContent = '';
    if (old) { try { await api('DELETE', '/api/sessions/' + encodeURIComponent(old)); } catch (e) { /* ignore */ } }
  });
  document.body.dataset.ready = 'true';
  show(Boolean(store.getItem('ivbot.token')));
}

init();
