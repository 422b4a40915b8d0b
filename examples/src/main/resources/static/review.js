// The operator's review page: the review queue's clusters, one decision each. The token lives in
// sessionStorage under its own key, apart from the chat page's candidate token.
'use strict';

const $ = (id) => document.getElementById(id);
const store = window.sessionStorage;
const TOKEN = 'ivbot.review.token';

async function api(method, path, body) {
  const headers = {};
  const token = store.getItem(TOKEN);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await response.json(); } catch (e) { json = { code: 'http_' + response.status, message: response.statusText }; }
  return { status: response.status, json };
}

function status(text) { $('status').textContent = text; }

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  });
  if (text !== undefined) e.textContent = text;
  return e;
}

function field(form, name, label, value) {
  const l = el('label');
  l.appendChild(el('span', {}, label));
  const input = el('input', { name, value: value || '' , required: true });
  input.setAttribute('data-testid', 'field-' + name);
  l.appendChild(input);
  form.appendChild(l);
  return input;
}

function renderCluster(c) {
  const card = el('article', { className: 'card' });
  card.setAttribute('data-testid', 'cluster');
  card.setAttribute('data-cluster', c.id);
  card.appendChild(el('h2', {}, c.size + ' questions (' + c.language + ')'));
  const list = el('ul');
  c.representatives.forEach((q) => list.appendChild(el('li', {}, q)));
  card.appendChild(list);
  // every question of the cluster, for the operator who wants to check it before deciding
  const all = el('details');
  all.appendChild(el('summary', {}, 'All ' + c.questions.length + ' questions'));
  const every = el('ul');
  every.setAttribute('data-testid', 'questions');
  c.questions.forEach((q) => every.appendChild(el('li', {}, q)));
  all.appendChild(every);
  card.appendChild(all);
  const suggestion = c.suggestion === 'add'
    ? 'Suggestion: add to ' + c.nearestIntent + ' (' + c.nearestScore + ')'
    : 'Suggestion: new intent (nearest ' + (c.nearestIntent || '-') + ', ' + c.nearestScore + ')';
  card.appendChild(el('p', { className: 'hint' }, suggestion));

  const add = el('form', { className: 'action' });
  const intent = field(add, 'intent', 'Intent', c.nearestIntent);
  const addButton = el('button', { type: 'submit' }, 'Add as examples');
  addButton.setAttribute('data-testid', 'add');
  add.appendChild(addButton);
  add.addEventListener('submit', (e) => { e.preventDefault(); act(c, 'add', { intent: intent.value.trim() }); });
  card.appendChild(add);

  const create = el('form', { className: 'action' });
  const inputs = {
    id: field(create, 'id', 'New intent id'),
    titleZh: field(create, 'titleZh', 'Title (zh)'),
    titleEn: field(create, 'titleEn', 'Title (en)'),
    answerZh: field(create, 'answerZh', 'Answer (zh)'),
    answerEn: field(create, 'answerEn', 'Answer (en)'),
  };
  const createButton = el('button', { type: 'submit' }, 'Create intent');
  createButton.setAttribute('data-testid', 'create');
  create.appendChild(createButton);
  create.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    Object.entries(inputs).forEach(([k, input]) => { body[k] = input.value.trim(); });
    act(c, 'new', body);
  });
  card.appendChild(create);

  const dismiss = el('button', { type: 'button' }, 'Dismiss');
  dismiss.setAttribute('data-testid', 'dismiss');
  dismiss.addEventListener('click', () => act(c, 'dismiss'));
  card.appendChild(dismiss);
  return card;
}

async function act(c, action, body) {
  status('Saving…');
  const r = await api('POST', '/api/review/clusters/' + c.id + '/' + action, body);
  if (r.status !== 200) { status('Not done: ' + r.json.message); return; }
  const done = r.json;
  status(done.action === 'dismiss' ? 'Dismissed.'
    : 'Saved: ' + done.examplesAdded + ' examples of ' + done.intent + ' in ' + done.file
      + '. The model retrains in the background and is swapped in when it passes the gate.');
  await load(false);
}

async function load(announce) {
  if (announce) status('Mining the queue…');
  const r = await api('GET', '/api/review/clusters');
  const box = $('clusters');
  box.textContent = '';
  if (r.status === 401 || r.status === 403) {
    store.removeItem(TOKEN);
    show(false);
    status(r.status === 403 ? 'Forbidden: this token has no operator role.' : 'Please sign in.');
    return;
  }
  if (r.status !== 200) { status('Error: ' + r.json.message); return; }
  r.json.clusters.forEach((c) => box.appendChild(renderCluster(c)));
  if (announce) status(r.json.clusters.length + ' clusters');
}

function show(signedIn) {
  $('login').hidden = signedIn;
  $('refresh').hidden = !signedIn;
  $('logout').hidden = !signedIn;
  $('who').textContent = signedIn ? (store.getItem('ivbot.review.user') || '') : '';
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  let token = $('token').value.trim();
  let user = 'token';
  if (!token) {
    const r = await api('POST', '/dev/login', { user: $('user').value.trim(), role: 'operator' });
    if (r.status !== 200) { status('Sign-in failed: ' + r.json.message); return; }
    token = r.json.token;
    user = r.json.user;
  }
  store.setItem(TOKEN, token);
  store.setItem('ivbot.review.user', user);
  show(true);
  await load(true);
});
$('refresh').addEventListener('click', () => load(true));
$('logout').addEventListener('click', () => { store.removeItem(TOKEN); $('clusters').textContent = ''; show(false); });

(async () => {
  const head = await fetch('/review.html', { method: 'HEAD' });
  $('dev-hint').hidden = head.headers.get('X-Ivbot-Dev-Login') !== 'true';
  if (store.getItem(TOKEN)) { show(true); await load(true); } else { show(false); }
})();
