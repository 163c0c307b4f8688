// The chat playground: plain DOM over the typed client's browser build. The key lives in this
// browser only (sessionStorage, or localStorage when "remember" is ticked).
import { ParleyClient, ParleyError } from '/playground/parley-client.js';

const KEY = 'parley.key';
const PENDING = 'parley.pending-reply';
const $ = (id) => document.getElementById(id);

const state = { client: null, stream: null, stopped: null, folderPoll: null };

// ---- errors, as a person wants to read them -------------------------------------------------

function explain(error) {
  if (error instanceof ParleyError) {
    switch (error.status) {
      case 401: return 'That API key was not accepted: it is unknown, revoked or mistyped. Paste a key made with `parley key create`.';
      case 402: return `The account's message limit is reached. ${error.message}`;
      case 404: return `Not found: ${error.message}`;
      case 410: return 'This reply\'s stream URL has expired; reload the conversation to read the stored reply.';
      case 422: {
        const fields = Object.values(error.fieldErrors).flat();
        return fields.length > 1 ? `Please fix:\n• ${fields.join('\n• ')}` : error.message;
      }
      case 429: return error.message;
      default: return `The server answered ${error.status}: ${error.message}`;
    }
  }
  if (error instanceof TypeError) return 'The server could not be reached. Is Parley running?';
  return String(error?.message ?? error);
}

function showError(error) {
  const alert = $('alert');
  alert.textContent = explain(error);
  alert.hidden = false;
  if (error instanceof ParleyError && error.status === 401) signOut(false);
}

function clearError() {
  $('alert').hidden = true;
}

/** Runs an action from a control, showing what went wrong instead of failing silently. */
const guarded = (action) => async (event) => {
  event?.preventDefault?.();
  clearError();
  try {
    await action(event);
  } catch (error) {
    showError(error);
  }
};

// ---- the key ---------------------------------------------------------------------------------

function savedKey() {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
}

async function signIn(key) {
  state.client = new ParleyClient({ baseUrl: location.origin, apiKey: key });
  // Reading the bots checks the key before anything is shown.
  const bots = await state.client.bots.list({ per_page: 100 });
  $('app').hidden = false;
  $('forget').hidden = false;
  $('key').value = '';
  $('key').placeholder = 'key in use (paste another to change)';
  $('key').required = false;
  fillSelect($('bot'), bots.data, (b) => b.name + (b.model ? ` (${b.model})` : ''), 'No bots in this account');
  await Promise.all([loadConversations(), loadFolders()]);
  await resumePending();
}

function signOut(forget = true) {
  if (forget) {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  }
  state.stream?.close();
  state.client = null;
  $('app').hidden = true;
  $('forget').hidden = !savedKey();
  $('key').required = true;
  $('key').placeholder = 'parley_…';
}

// ---- pickers ---------------------------------------------------------------------------------

function fillSelect(select, items, label, emptyText, selected) {
  select.replaceChildren();
  if (!items.length) select.append(new Option(emptyText, ''));
  for (const item of items) select.append(new Option(label(item), item.id, false, item.id === selected));
  select.disabled = !items.length;
}

async function loadConversations(selected) {
  const botId = $('bot').value;
  if (!botId) {
    fillSelect($('conversation'), [], () => '', 'No conversations');
    return renderMessages([]);
  }
  const page = await state.client.conversations.list({ bot_id: botId, per_page: 100 });
  const items = [...page.data].sort((a, b) => b.created_at - a.created_at);
  fillSelect($('conversation'), items, (c) => c.name, 'No conversations yet: start one', selected);
  await loadMessages();
}

async function loadMessages() {
  const conversationId = $('conversation').value;
  if (!conversationId) return renderMessages([]);
  const page = await state.client.messages.list({ conversation_id: conversationId, includes: ['sources'], per_page: 100 });
  // Oldest first whatever order the server lists in; a reply follows its message within a second.
  const messages = [...page.data].sort((a, b) => a.created_at - b.created_at || Number(a.machine) - Number(b.machine));
  renderMessages(messages);
}

// ---- messages --------------------------------------------------------------------------------

function renderMessages(messages) {
  const list = $('messages');
  list.replaceChildren();
  if (!messages.length) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = $('conversation').value ? 'No messages yet. Say something below.' : 'Pick or start a conversation.';
    list.append(empty);
  }
  for (const m of messages) list.append(messageItem(m));
  list.scrollTop = list.scrollHeight;
}

function messageItem(m) {
  const li = document.createElement('li');
  li.className = m.machine ? 'bot' : 'user';
  li.dataset.id = m.id;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = m.content;
  li.append(text);
  if (m.failed_responding) markFailed(li, m.content);
  if (m.sources?.data?.length) showSources(li, m.sources.data);
  return li;
}

function markFailed(li, reason) {
  li.classList.add('failed');
  addNote(li, `The reply failed: ${reason}`);
}

function addNote(li, text) {
  let note = li.querySelector('.note');
  if (!note) {
    note = document.createElement('span');
    note.className = 'note';
    li.append(note);
  }
  note.textContent = text;
}

function showSources(li, sources) {
  li.querySelector('.sources-title')?.remove();
  li.querySelector('.sources')?.remove();
  if (!sources.length) return;
  const title = document.createElement('span');
  title.className = 'sources-title';
  title.textContent = 'Sources';
  const list = document.createElement('ul');
  list.className = 'sources';
  for (const s of sources) {
    const item = document.createElement('li');
    // A webpage links to itself; a file's text needs the API key, so its name is shown alone.
    if (!s.document_url.startsWith(location.origin)) {
      const a = document.createElement('a');
      a.href = s.document_url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      a.textContent = s.document_name;
      item.append(a);
    } else item.textContent = s.document_name;
    list.append(item);
  }
  li.append(title, list);
}

function replyItem(replyId) {
  const existing = [...$('messages').children].find((li) => li.dataset.id === replyId);
  if (existing) {
    existing.querySelector('.text').textContent = '';
    existing.className = 'bot';
    return existing;
  }
  const li = messageItem({ id: replyId, machine: true, content: '', failed_responding: false });
  $('messages').querySelector('.empty')?.remove();
  $('messages').append(li);
  return li;
}

/** Shows a reply as it streams; the stream resumes by itself after a dropped connection. */
async function watch(stream, li) {
  state.stream = stream;
  sessionStorage.setItem(PENDING, JSON.stringify({
    url: stream.url, replyId: stream.replyId, conversationId: $('conversation').value, botId: $('bot').value,
  }));
  setSending(true);
  li.classList.add('streaming');
  const text = li.querySelector('.text');
  const list = $('messages');
  try {
    for await (const chunk of stream) {
      text.textContent += chunk;
      list.scrollTop = list.scrollHeight;
    }
    if (stream.failure) markFailed(li, stream.failure);
    else if (state.stopped === stream) addNote(li, 'Stopped: the reply keeps what was written until then.');
    showSources(li, stream.sources);
  } finally {
    li.classList.remove('streaming');
    if (stream.finished) sessionStorage.removeItem(PENDING);
    if (state.stream === stream) state.stream = null;
    setSending(false);
  }
}

function setSending(sending) {
  $('send-button').disabled = sending;
  $('stop').hidden = !sending;
}

async function send() {
  const content = $('content').value.trim();
  if (!content || state.stream) return;
  const conversationId = $('conversation').value;
  if (!conversationId) throw new Error('Start or pick a conversation first.');
  setSending(true);
  let stream;
  try {
    stream = await state.client.messages.stream({ conversation_id: conversationId, content });
  } catch (error) {
    setSending(false);
    throw error;
  }
  $('content').value = '';
  $('messages').querySelector('.empty')?.remove();
  $('messages').append(messageItem({ id: stream.messageId, machine: false, content }));
  await watch(stream, replyItem(stream.replyId));
}

async function stop() {
  const stream = state.stream;
  if (!stream?.replyId) return;
  $('stop').disabled = true;
  state.stopped = stream;
  try {
    await state.client.messages.stop(stream.replyId);
  } finally {
    $('stop').disabled = false;
  }
}

/** After a reload during a reply: the same conversation, and the reply read again to its end. */
async function resumePending() {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  if (!pending) return;
  if ($('bot').value !== pending.botId && [...$('bot').options].some((o) => o.value === pending.botId)) {
    $('bot').value = pending.botId;
  }
  await loadConversations(pending.conversationId);
  if ($('conversation').value !== pending.conversationId) return sessionStorage.removeItem(PENDING);
  const stream = state.client.messages.openStream(pending.url);
  Object.assign(stream.ids, { replyId: pending.replyId });
  await watch(stream, replyItem(pending.replyId));
}

// ---- knowledge base --------------------------------------------------------------------------

async function loadFolders(selected) {
  const page = await state.client.folders.list({ per_page: 100 });
  fillSelect($('folder'), page.data, (f) => f.name, 'No folders yet: create one', selected);
  await loadDocuments();
}

async function loadDocuments() {
  clearTimeout(state.folderPoll);
  const folderId = $('folder').value;
  const list = $('documents');
  list.replaceChildren();
  $('upload').querySelector('button').disabled = !folderId;
  if (!folderId) return;
  const page = await state.client.documents.list({ folder_id: folderId, per_page: 100 });
  if (!page.data.length) {
    const li = document.createElement('li');
    li.textContent = 'No documents in this folder.';
    list.append(li);
  }
  for (const d of page.data) {
    const li = document.createElement('li');
    li.dataset.id = d.id;
    const name = document.createElement('span');
    name.textContent = d.name;
    const status = document.createElement('span');
    const failed = d.status === 'sync_failed';
    status.className = `status${failed ? ' bad' : ''}`;
    status.textContent = failed ? `failed: ${d.failure_reason ?? 'unknown reason'}` : d.status;
    li.append(name, status);
    list.append(li);
  }
  // Imports run in the background: look again while any is still syncing.
  if (page.data.some((d) => d.status === 'syncing')) {
    state.folderPoll = setTimeout(() => loadDocuments().catch(showError), 1000);
  }
}

async function upload() {
  const file = $('file').files[0];
  const folderId = $('folder').value;
  if (!file || !folderId) return;
  const button = $('upload').querySelector('button');
  button.disabled = true;
  try {
    await state.client.documents.upload({
      folder_id: folderId, file_name: file.name, content_type: file.type || 'application/octet-stream', body: file,
    });
    $('file').value = '';
    await loadDocuments();
  } finally {
    button.disabled = false;
  }
}

// ---- wiring ----------------------------------------------------------------------------------

$('key-form').addEventListener('submit', guarded(async () => {
  const key = $('key').value.trim();
  if (!key) return;
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  ($('remember').checked ? localStorage : sessionStorage).setItem(KEY, key);
  await signIn(key);
}));
$('forget').addEventListener('click', () => {
  clearError();
  signOut(true);
});
$('bot').addEventListener('change', guarded(() => loadConversations()));
$('conversation').addEventListener('change', guarded(() => loadMessages()));
$('new-conversation').addEventListener('submit', guarded(async () => {
  const name = $('conversation-name').value.trim();
  const made = await state.client.conversations.create({ name, bot_id: $('bot').value });
  $('conversation-name').value = '';
  await loadConversations(made.id);
  $('content').focus();
}));
$('send').addEventListener('submit', guarded(send));
$('content').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('send').requestSubmit();
  }
});
$('stop').addEventListener('click', guarded(stop));
$('folder').addEventListener('change', guarded(() => loadDocuments()));
$('new-folder').addEventListener('submit', guarded(async () => {
  const made = await state.client.folders.create({ name: $('folder-name').value.trim() });
  $('folder-name').value = '';
  await loadFolders(made.id);
}));
$('upload').addEventListener('submit', guarded(upload));

const key = savedKey();
$('remember').checked = Boolean(localStorage.getItem(KEY));
if (key) guarded(() => signIn(key))();
