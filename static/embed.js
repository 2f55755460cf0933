/* Clew help-desk widget: one tag on any page,
 *
 *   <script src="https://HOST/embed.js" data-problem="SLUG" async></script>
 *
 * gives a launcher button and a panel with search and the troubleshooting
 * wizard. The button lives in a shadow root (no styles in or out); the
 * panel is an iframe of HOST/wizard?embed=ORIGIN, so the wizard runs under
 * the server's own CSP. The only global is window.Clew:
 *
 *   Clew.open(), Clew.close(), Clew.toggle()
 *   Clew.setAnswers({ problem: 'slug', platform: 'ios', ... })
 *   Clew.onResult = function (result) { ... }   (also the 'clew:result'
 *                                                event on document)
 *
 * Where the page's origin is not allowed (clew serve --cors and
 * --frame-ancestors), the widget says so on the console and stays out of
 * the way. docs/embed.md has the whole story. */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src || (window.Clew && window.Clew.version)) return;

  var server = new URL(script.src).origin;
  var data = script.dataset;
  var here = location.origin;
  var PREFIX = 'Clew widget: ';

  /* What the host set before this file loaded: Clew = { onResult: f }. */
  var early = window.Clew && typeof window.Clew === 'object' ? window.Clew : {};

  /* Answers to start from: data-problem, data-platform, and data-answers
   * ("callkit=yes&headset_profile=a2dp-only", or the same with commas). */
  function prefill() {
    var a = {};
    if (data.answers) {
      String(data.answers).split(/[&,;]/).forEach(function (kv) {
        var i = kv.indexOf('=');
        if (i > 0) a[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
      });
    }
    if (data.platform) a = Object.assign({ platform: data.platform }, a);
    if (data.problem) a = Object.assign({ problem: data.problem }, a);
    return a;
  }

  var answers = prefill();
  /* The steps tried in the panel ("STEP:RESULT", as its URL carries
   * them): kept when the host adds answers, as the wizard's own "change"
   * keeps them; dropped with the problem they belong to. */
  var tried = [];
  var lang = data.lang || document.documentElement.lang || '';

  /* The widget's words come from the server's message catalogue in the
   * reader's language (GET /api/v1/messages, i18n/LANG.json). Until it
   * arrives, or if it cannot be had, these English words stand in: the
   * last resort, the same as i18n/en.json's widget_* keys (keep them so). */
  var EN_FALLBACK = {
    widget_close: 'Close',
    widget_launcher: 'Help',
    widget_title: 'Troubleshooter'
  };
  var words = {};

  function word(key) {
    return typeof words[key] === 'string' ? words[key] : EN_FALLBACK[key];
  }

  /* The label and the title: the host page's data-label and data-title
   * win over the catalogue. */
  function label() { return data.label || word('widget_launcher'); }
  function title() { return data.title || word('widget_title'); }

  /* Puts the words in place on what build() and load() made so far. */
  function relabel() {
    if (launcher) launcher.textContent = label();
    if (panel) {
      panel.setAttribute('aria-label', title());
      panel.querySelector('.bar h2').textContent = title();
      panel.querySelector('.close').setAttribute('aria-label', word('widget_close'));
    }
    if (frame) frame.title = title();
  }

  function fetchWords() {
    /* Without a language, the server answers in the one the reader's
     * browser asks for (Accept-Language), as the panel's pages do. */
    var url = server + '/api/v1/messages?lang=' + encodeURIComponent(lang);
    fetch(url, { mode: 'cors', credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) {
        if (!doc || !doc.messages || typeof doc.messages !== 'object') return;
        words = doc.messages;
        relabel();
      })
      .catch(function () { /* the English words stay */ });
  }

  function panelUrl() {
    var p = new URLSearchParams();
    p.set('embed', here);
    if (lang) p.set('lang', lang);
    /* The problem first: the wizard asks it first. */
    if (answers.problem) p.set('problem', answers.problem);
    Object.keys(answers).forEach(function (k) {
      if (k !== 'problem' && answers[k] !== undefined && answers[k] !== null)
        p.append(k, String(answers[k]));
    });
    tried.forEach(function (t) { p.append('tried', t); });
    return server + '/wizard?' + p.toString();
  }

  var CSS =
    ':host { all: initial; }' +
    '.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;' +
    ' font: 600 15px/1.2 system-ui, sans-serif; color: #fff; background: #1d4ed8;' +
    ' border: 0; border-radius: 999px; padding: 12px 18px; cursor: pointer;' +
    ' box-shadow: 0 4px 14px rgba(0,0,0,.25); }' +
    '.launcher:hover { background: #1e40af; }' +
    '.launcher:focus-visible, .close:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }' +
    '.panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000;' +
    ' width: 400px; height: min(640px, calc(100vh - 100px)); display: flex;' +
    ' flex-direction: column; background: #fff; border-radius: 12px; overflow: hidden;' +
    ' box-shadow: 0 10px 40px rgba(0,0,0,.3); font: 14px/1.3 system-ui, sans-serif; }' +
    '.panel[hidden] { display: none; }' +
    '.bar { display: flex; align-items: center; justify-content: space-between;' +
    ' padding: 8px 12px; background: #1d4ed8; color: #fff; }' +
    '.bar h2 { margin: 0; font: 600 15px/1.2 system-ui, sans-serif; }' +
    '.close { font: 600 20px/1 system-ui, sans-serif; color: #fff; background: none;' +
    ' border: 0; cursor: pointer; padding: 4px 8px; }' +
    'iframe { flex: 1; width: 100%; border: 0; }' +
    '@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw;' +
    ' height: 100vh; border-radius: 0; } }';

  var host, root, launcher, panel, frame, ready = false, loadTimer = 0;

  function warn(msg) {
    if (window.console && console.error) console.error(PREFIX + msg);
    document.dispatchEvent(new CustomEvent('clew:error', { detail: { message: msg } }));
  }

  function build() {
    host = document.createElement('clew-widget');
    root = host.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function' &&
        CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var st = document.createElement('style');
      st.textContent = CSS;
      root.appendChild(st);
    }
    launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.textContent = label();
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'clew-panel');
    launcher.addEventListener('click', function () { api.toggle(); });

    panel = document.createElement('div');
    panel.className = 'panel';
    panel.id = 'clew-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', title());
    var bar = document.createElement('div');
    bar.className = 'bar';
    var h = document.createElement('h2');
    h.textContent = title();
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.textContent = '\u00d7';
    close.setAttribute('aria-label', word('widget_close'));
    close.addEventListener('click', function () { api.close(); });
    bar.append(h, close);
    panel.appendChild(bar);
    panel.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') api.close();
    });
    root.append(launcher, panel);
    document.body.appendChild(host);
  }

  /* The panel loads on first open (or on setAnswers while open). If the
   * page inside never says hello, the server refused to be framed here. */
  function load() {
    ready = false;
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = title();
      /* "Copy the summary" in the panel: a frame from another origin may
       * write to the clipboard only when its parent says so. */
      frame.setAttribute('allow', 'clipboard-write');
      frame.addEventListener('load', function () {
        clearTimeout(loadTimer);
        loadTimer = setTimeout(function () {
          if (!ready)
            warn('the panel from ' + server + ' did not load here. Its server must ' +
                 'allow this page to frame it: clew serve --frame-ancestors ' + here);
        }, 4000);
      });
      panel.appendChild(frame);
    }
    frame.src = panelUrl();
  }

  window.addEventListener('message', function (ev) {
    if (ev.origin !== server || !frame || ev.source !== frame.contentWindow) return;
    var m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'clew:ready') {
      ready = true;
    } else if (m.type === 'clew:close') {
      api.close();
    } else if (m.type === 'clew:result' && m.result) {
      api.result = m.result;
      /* The reader's answers so far: setAnswers adds to these. */
      answers = Object.assign(m.result.problem ? { problem: m.result.problem } : {},
                              m.result.answers);
      try {
        tried = new URL(m.result.url).searchParams.getAll('tried');
      } catch (e) { tried = []; }
      if (typeof api.onResult === 'function') {
        try { api.onResult(m.result); } catch (e) { warn('onResult threw: ' + e); }
      }
      document.dispatchEvent(new CustomEvent('clew:result', { detail: m.result }));
    }
  });

  var api = {
    version: 1,
    onResult: typeof early.onResult === 'function' ? early.onResult : null,
    result: null,
    open: function () {
      if (!panel) return;
      if (!frame) load();
      panel.hidden = false;
      launcher.setAttribute('aria-expanded', 'true');
      frame.focus();
    },
    close: function () {
      if (!panel || panel.hidden) return;
      panel.hidden = true;
      launcher.setAttribute('aria-expanded', 'false');
      launcher.focus();
    },
    toggle: function () {
      if (panel && panel.hidden) api.open(); else api.close();
    },
    /* Merges answers ({question: value}; null removes one) and, if the
     * panel was loaded, shows the wizard at the new step. */
    setAnswers: function (more) {
      if (more && 'problem' in more && more.problem !== answers.problem) tried = [];
      Object.keys(more || {}).forEach(function (k) {
        if (more[k] === null || more[k] === undefined) delete answers[k];
        else answers[k] = String(more[k]);
      });
      if (frame) load();
    }
  };
  window.Clew = api;

  /* Is this origin allowed? The server's CORS answer tells, before any
   * button shows: a refused page gets a message, not a dead button. */
  function start() {
    fetchWords();
    fetch(server + '/healthz', { mode: 'cors', credentials: 'omit' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        build();
        if (data.open === 'true' || data.open === '') api.open();
        document.dispatchEvent(new CustomEvent('clew:ready'));
      })
      .catch(function () {
        warn('this page (' + here + ') may not use the help widget of ' + server +
             '. Its server must allow this origin: clew serve --cors ' + here +
             ' --frame-ancestors ' + here);
      });
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
