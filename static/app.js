/* Clew: progressive enhancement for the wizard and search pages. Every
 * page works without this file; with it, the wizard answers in place
 * (/api/v1/diagnose, history.pushState) and search runs as you type
 * (/api/v1/search). No framework, no inline script or style (the CSP). */
(function () {
  'use strict';

  /* The interface's words this file uses, in the page's language: the
   * server puts them in the page (templates/head.html; i18n.c's
   * script_keys lists them: a key used here goes there too). */
  var T = {};
  try { T = JSON.parse(document.getElementById('clew-t').textContent); } catch (e) {}

  /* The text of key (for plural forms, its "other"); the key itself
   * when the catalogue lacks it. Each {name} in it is replaced by
   * vars[name]: translations put the words around a value in their own
   * order. */
  function t(key, vars) {
    var v = T[key];
    if (v && typeof v === 'object') v = v.other;
    if (typeof v !== 'string') v = key;
    return vars ? fill(v, vars) : v;
  }

  function fill(s, vars) {
    return s.replace(/\{([a-z_]+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
    });
  }

  /* The form of plural entry key for the count n in the page's language
   * (CLDR's categories, as the server's i18n_plural), "other" when the
   * entry lacks that one, with each %d replaced by n. */
  function tn(key, n, vars) {
    var v = T[key], form = 'other';
    if (!v || typeof v !== 'object') return t(key, vars).replace(/%d/g, String(n));
    try { form = new Intl.PluralRules(document.documentElement.lang || 'en').select(n); } catch (e) {}
    var s = typeof v[form] === 'string' ? v[form] : typeof v.other === 'string' ? v.other : key;
    s = s.replace(/%d/g, String(n));
    return vars ? fill(s, vars) : s;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function liveRegion(parent) {
    var r = el('div', 'visually-hidden');
    r.setAttribute('role', 'status');
    r.setAttribute('aria-live', 'polite');
    parent.appendChild(r);
    return r;
  }

  /* ---- Wizard ---------------------------------------------------------- */

  /* Arguments that steer the page, not the diagnosis; KEEP stay on every
   * link (the widget's panel, the reader's language). */
  var UI_ARGS = { embed: 1, detected: 1, lang: 1, ask: 1, sid: 1 };
  var KEEP = { embed: 1, lang: 1 };

  /* The wizard in place: each answer, each "did it fix it?", each link
   * within the wizard fetches the next step's page from the server (the
   * same page a reader without JavaScript gets) and swaps it in, without
   * reloading: the address follows (Back and reload land on the same
   * step), the probability bars move from where they were, focus goes to
   * what is new and screen readers hear it. */
  function Wizard(section) {
    this.section = section;
    /* A page that began a session carries its id in its links and forms
     * only: put it in the address too, so that Back and reload stay in
     * the session. */
    var sid = section.querySelector('input[name="sid"]');
    if (sid && !new URLSearchParams(location.search).get('sid')) {
      var u = new URL(location.href);
      u.searchParams.set('sid', sid.value);
      history.replaceState(null, '', u.pathname + u.search + u.hash);
    }
    this.search = location.search;
    this.seq = 0;
    this.live = liveRegion(section.parentNode);
    this.enhance({});
    this.bind();
  }

  /* The hand-over summary's box shows it whole: CSS sizes it where the
   * browser knows field-sizing; elsewhere its height follows its text
   * (rows counts its lines, not how they wrap). */
  var SIZES_ITSELF = !!(window.CSS && CSS.supports && CSS.supports('field-sizing', 'content'));

  Wizard.prototype.fit = function () {
    var area = this.section.querySelector('.outcome textarea.summary');
    if (!area || SIZES_ITSELF) return;
    area.style.setProperty('height', 'auto');
    area.style.setProperty('height', area.scrollHeight + area.offsetHeight - area.clientHeight + 'px');
  };

  /* Per cause (by its title): the bar's width on the page now. */
  Wizard.prototype.widths = function () {
    var w = {};
    this.section.querySelectorAll('ol.causes > li.cause').forEach(function (li) {
      var f = li.querySelector('.bar-fill'), h = li.querySelector('h3');
      if (f && h) w[h.textContent] = Number(f.getAttribute('data-pct')) || 0;
    });
    return w;
  };

  /* Meters become bars that move from their old widths; focus targets
   * and the copy button come alive. */
  Wizard.prototype.enhance = function (old) {
    var s = this.section, fills = [];
    s.querySelectorAll('ol.causes > li.cause').forEach(function (li) {
      var m = li.querySelector('meter'), h = li.querySelector('h3');
      if (!m) return;
      var pct = Number(m.value) || 0, b = el('span', 'bar'), f = el('span', 'bar-fill');
      var from = h && old[h.textContent] !== undefined ? old[h.textContent] : 0;
      b.setAttribute('aria-hidden', 'true');
      b.appendChild(f);
      f.style.setProperty('width', from + '%');
      f.setAttribute('data-pct', String(pct));
      m.parentNode.replaceChild(b, m);
      fills.push([f, pct]);
    });
    void s.offsetWidth;
    requestAnimationFrame(function () {
      fills.forEach(function (f) { f[0].style.setProperty('width', f[1] + '%'); });
    });
    var lg = s.querySelector('form.question legend');
    if (lg) lg.setAttribute('tabindex', '-1');
    this.fit();
    var copy = s.querySelector('.outcome .copy');
    if (copy) {
      var area = s.querySelector('.outcome textarea.summary'), status = s.querySelector('.copy-status');
      copy.closest('.copy-actions').hidden = false;
      copy.addEventListener('click', function () {
        var done = function () { status.textContent = t('wizard_copied'); };
        area.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(area.value).then(done, function () {
            if (document.execCommand('copy')) done();
          });
        } else if (document.execCommand('copy')) {
          done();
        }
      });
    }
  };

  Wizard.prototype.bind = function () {
    var self = this;
    this.section.addEventListener('submit', function (ev) {
      var form = ev.target, by = ev.submitter;
      if (!form.classList.contains('question') && !form.classList.contains('try')) return;
      ev.preventDefault();
      var fields = new URLSearchParams(new FormData(form));
      if (by && by.name) fields.append(by.name, by.value);
      var method = ((by && by.getAttribute('formmethod')) || form.method || 'get').toLowerCase();
      if (method === 'post') self.go('/wizard', true, fields);
      else self.go('/wizard' + (fields.toString() ? '?' + fields.toString() : ''), true);
    });
    this.section.addEventListener('click', function (ev) {
      var a = ev.target.closest && ev.target.closest('a[href]');
      if (!a || ev.defaultPrevented || ev.button !== 0 ||
          ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      var u = new URL(a.href, location.href);
      if (u.origin !== location.origin || u.pathname !== '/wizard') return;
      /* A link within this page (a fix's "#try"): the browser's own. */
      if (a.getAttribute('href').charAt(0) === '#') return;
      ev.preventDefault();
      self.go(u.pathname + u.search, true);
    });
    window.addEventListener('resize', function () { self.fit(); });
    window.addEventListener('popstate', function () {
      if (location.pathname !== '/wizard' || location.search === self.search) return;
      self.go(location.pathname + location.search, false);
    });
  };

  /* Shows the page at url (a /wizard URL; with post, the form's fields
   * POSTed there, and the page it redirects to) without reloading; any
   * failure falls back to loading it as a page. */
  Wizard.prototype.go = function (url, push, post) {
    var self = this, seq = ++this.seq, s = this.section;
    var init = post ? { method: 'POST', body: post.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' } } :
      { headers: { Accept: 'text/html' } };
    s.setAttribute('aria-busy', 'true');
    fetch(url, init)
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text().then(function (html) { return [new URL(res.url), html]; });
      })
      .then(function (got) {
        if (seq !== self.seq) return;
        var page = new DOMParser().parseFromString(got[1], 'text/html');
        var fresh = page.querySelector('section.wizard');
        if (!fresh) throw new Error('no wizard in the reply');
        var old = self.widths();
        s.replaceChildren.apply(s, Array.prototype.map.call(fresh.childNodes, function (n) {
          return document.importNode(n, true);
        }));
        document.title = page.title;
        self.enhance(old);
        var here = got[0].pathname + got[0].search;
        if (push) history.pushState(null, '', here);
        self.search = location.search;
        s.removeAttribute('aria-busy');
        embed.result(got[0].searchParams);
        self.focus();
      })
      .catch(function () {
        if (seq !== self.seq) return;
        if (!post) { location.href = url; return; }
        /* The form itself, as without JavaScript. */
        var f = el('form');
        f.method = 'post'; f.action = url;
        post.forEach(function (v, k) {
          var x = el('input');
          x.type = 'hidden'; x.name = k; x.value = v;
          f.appendChild(x);
        });
        document.body.appendChild(f);
        f.submit();
      });
  };

  /* Focus on what is new (the question, the step, the outcome), and a
   * sentence for screen readers: the likeliest cause, then what next. */
  Wizard.prototype.focus = function () {
    var s = this.section;
    var target = s.querySelector('form.question legend') || s.querySelector('form.try h2') ||
      s.querySelector('.outcome h2') || s.querySelector('p.done');
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    }
    var top = s.querySelector('ol.causes > li.cause.first'), msg = '';
    if (top) {
      var pct = top.querySelector('.bar-fill');
      msg = t('wizard_live_most_likely', { cause: top.querySelector('h3').textContent,
        percent: pct ? pct.getAttribute('data-pct') : '0' });
    }
    var lg = s.querySelector('form.question legend'), step = s.querySelector('form.try h2');
    var end = s.querySelector('.outcome h2');
    if (lg) msg += ' ' + t('wizard_live_next_question', { question: lg.textContent });
    else if (step) msg += ' ' + t('wizard_live_try_this', { step: step.textContent });
    else if (end) msg = end.textContent + ' ' + msg;
    this.live.textContent = msg.trim();
  };

  /* ---- Decision tree ------------------------------------------------- */

  /* /wizard/tree: "Expand all" and "Collapse all" over the outline's
   * questions, and every question open while printing (app.css prints
   * closed ones too, where the browser can). */
  function TreeOutline(tools) {
    var qs = document.querySelectorAll('.tree details'), closed = [];
    function setAll(open) {
      for (var i = 0; i < qs.length; i++) qs[i].open = open;
    }
    tools.addEventListener('click', function (ev) {
      var b = ev.target.closest('button[data-tree]');
      if (b) setAll(b.getAttribute('data-tree') === 'open');
    });
    window.addEventListener('beforeprint', function () {
      closed = [].filter.call(qs, function (d) { return !d.open; });
      setAll(true);
    });
    window.addEventListener('afterprint', function () {
      closed.forEach(function (d) { d.open = false; });
      closed = [];
    });
    tools.hidden = false;
  }

  /* ---- Search as you type ---------------------------------------------- */

  function LiveSearch(form, onSearchPage) {
    var self = this;
    this.form = form;
    this.input = form.querySelector('input[type=search]');
    this.select = form.querySelector('select[name=platform]');
    this.onSearchPage = onSearchPage;
    this.timer = 0;
    this.seq = 0;
    this.ctrl = null;
    if (onSearchPage) {
      this.list = document.querySelector('ol.hits');
      this.count = document.querySelector('.search-page > p.muted') || el('p', 'muted');
      if (!this.count.parentNode) this.list.before(this.count);
    } else {
      this.count = el('p', 'muted');
      this.list = el('ol', 'hits live-hits');
      form.after(this.count, this.list);
    }
    this.count.classList.add('hit-count');
    this.count.setAttribute('role', 'status');
    this.count.setAttribute('aria-live', 'polite');
    this.input.setAttribute('aria-controls', this.list.id || (this.list.id = 'hits-' + this.input.id));
    this.input.addEventListener('input', function () { self.schedule(200); });
    if (this.select) this.select.addEventListener('change', function () { self.schedule(0); });
  }

  LiveSearch.prototype.schedule = function (ms) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.run(); }, ms);
  };

  LiveSearch.prototype.run = function () {
    var self = this, q = this.input.value.trim(), seq = ++this.seq;
    var platform = this.select ? this.select.value : '';
    if (this.ctrl) this.ctrl.abort();
    if (this.onSearchPage) {
      var u = new URLSearchParams();
      u.set('q', this.input.value);
      if (platform) u.set('platform', platform);
      history.replaceState(null, '', '/search?' + u.toString());
    }
    if (!q) { this.show(null); return; }
    var p = new URLSearchParams({ q: q });
    if (platform) p.set('platform', platform);
    this.ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    fetch('/api/v1/search?' + p.toString(), {
      headers: { Accept: 'application/json' }, signal: this.ctrl ? this.ctrl.signal : undefined
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) { if (seq === self.seq) self.show(doc, q); })
      .catch(function () { /* typing on, or offline: Enter still submits the form */ });
  };

  /* With events recorded (<body data-events>), a hit opens through
   * /search/open, which counts it; and a search that has settled for a
   * while is recorded once. */
  var recording = document.body && document.body.hasAttribute('data-events');

  function hitUrl(q, h, rank) {
    if (!recording) {
      return '/articles/' + encodeURIComponent(h.slug) + (h.section ? '#' + encodeURIComponent(h.section) : '');
    }
    var p = new URLSearchParams({ q: q, to: h.slug });
    if (h.section) p.set('section', h.section);
    p.set('rank', String(rank));
    return '/search/open?' + p.toString();
  }

  function recordSearch(q, hits) {
    if (!recording || !q) return;
    fetch('/api/v1/events', {
      method: 'POST', keepalive: true,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'search', query: q, hits: hits })
    }).catch(function () { /* not recorded: nothing the reader needs */ });
  }

  LiveSearch.prototype.show = function (doc, q) {
    var list = this.list, tag = this.onSearchPage ? 'h2' : 'h3';
    list.replaceChildren();
    if (!doc) { this.count.textContent = ''; return; }
    var hits = doc.hits || [], self = this;
    clearTimeout(this.settle);
    if (q !== this.recorded) {
      this.settle = setTimeout(function () { self.recorded = q; recordSearch(q, doc.total || 0); }, 1500);
    }
    this.count.textContent = hits.length ? tn('search_count', doc.total || 0) :
      t('search_no_match', { q: q });
    hits.forEach(function (h, i) {
      var li = el('li'), hd = el(tag), a = el('a', null, h.title);
      a.href = hitUrl(q, h, i + 1);
      hd.appendChild(a);
      li.appendChild(hd);
      if (h.heading) li.appendChild(el('p', 'muted', h.heading));
      var sn = el('p', 'snippet');
      sn.innerHTML = h.snippet || '';  /* escaped text with <mark> tags */
      li.appendChild(sn);
      list.appendChild(li);
    });
  };

  /* ---- Inside the help-desk widget (?embed=HOST-ORIGIN) ----------------- */

  /* The panel of static/embed.js: links and forms keep the page in the
   * panel, and the host page is told each ranked result (postMessage to
   * the origin named by 'embed', and to no other). */
  var embed = {
    params: new URLSearchParams(location.search),
    on: false,
    host: null,

    init: function () {
      var e = this.params.get('embed');
      if (e === null) return;
      this.on = true;
      try {
        var u = new URL(e);
        if (u.origin === e && window.parent !== window) this.host = e;
      } catch (err) { /* embed=1: a panel that reports to nobody */ }
      var self = this;
      document.addEventListener('click', function (ev) {
        var a = ev.target.closest && ev.target.closest('a[href]');
        if (a) self.keep(a);
      }, true);
      document.addEventListener('submit', function (ev) {
        var f = ev.target;
        Object.keys(KEEP).forEach(function (k) {
          var v = self.params.get(k);
          if (v === null || f.querySelector('input[name="' + k + '"]')) return;
          var x = el('input');
          x.type = 'hidden'; x.name = k; x.value = v;
          f.appendChild(x);
        });
      }, true);
      /* Escape closes the panel, wherever the focus is inside it. */
      document.addEventListener('keydown', function (ev) {
        if (ev.key === 'Escape' && !ev.defaultPrevented) self.post({ type: 'clew:close' });
      });
      this.post({ type: 'clew:ready' });
      if (location.pathname === '/wizard') this.result(this.params);
    },

    /* Same-origin links stay in the panel, in the reader's language. */
    keep: function (a) {
      var u = new URL(a.href, location.href), changed = false, self = this;
      if (u.origin !== location.origin) {
        a.target = '_blank';
        a.rel = 'noopener';
        return;
      }
      Object.keys(KEEP).forEach(function (k) {
        var v = self.params.get(k);
        if (v !== null && !u.searchParams.has(k)) { u.searchParams.set(k, v); changed = true; }
      });
      if (changed) a.href = u.pathname + u.search + u.hash;
    },

    post: function (msg) {
      if (this.host) window.parent.postMessage(msg, this.host);
    },

    /* What the host page gets after each step: the answers, the steps
     * tried, the ranked causes, what comes next, and, once the session
     * has ended, whether it was resolved, with the hand-over summary. */
    result: function (params) {
      if (!this.on || !this.host) return;
      var self = this, api = new URLSearchParams();
      params.forEach(function (v, k) { if (!UI_ARGS[k]) api.append(k, v); });
      fetch('/api/v1/diagnose?' + api.toString(), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (doc) { if (doc) self.send(doc, params); })
        .catch(function () { /* the panel itself still works */ });
    },

    send: function (doc, params) {
      var answers = {}, share = new URLSearchParams(), next = doc.next_action, out = doc.outcome;
      params.forEach(function (v, k) {
        if (!UI_ARGS[k]) { share.append(k, v); if (k !== 'problem' && k !== 'q' && k !== 'tried') answers[k] = v; }
      });
      this.post({ type: 'clew:result', result: {
        problem: doc.problem || null,
        answers: answers,
        tried: (doc.tried || []).map(function (s) { return { step: s.step, title: s.title, result: s.result }; }),
        causes: (doc.causes || []).map(function (c) {
          return {
            id: c.id, title: c.title, probability: c.probability, article: c.article,
            article_url: location.origin + '/articles/' + encodeURIComponent(c.article),
            solutions: (c.solutions || []).map(function (s) { return { id: s.id, title: s.title }; })
          };
        }),
        other_probability: doc.other_probability,
        next_question: doc.next_question ?
          { id: doc.next_question.id, text: doc.next_question.text } : null,
        next_step: next && next.type === 'step' ?
          { id: next.step.id, title: next.step.title } : null,
        /* null while the session goes on; true once a step fixed it,
         * false once it ended unresolved. */
        resolved: out ? out.resolved : null,
        outcome: out ? { status: out.status, reason: out.reason,
          fixed_by: out.fixed_by ? { id: out.fixed_by.id, title: out.fixed_by.title } : null,
          summary_text: out.summary_text } : null,
        url: location.origin + '/wizard' + (share.toString() ? '?' + share.toString() : '')
      } });
    }
  };

  function init() {
    if (!window.fetch || !window.URLSearchParams || !window.history.pushState) return;
    embed.init();
    var wiz = document.querySelector('section.wizard');
    if (wiz && location.pathname === '/wizard') new Wizard(wiz);
    var sp = document.querySelector('.search-page form[role=search]');
    if (sp) new LiveSearch(sp, true);
    var wide = document.querySelector('.hero form.wide-search');
    if (wide) new LiveSearch(wide, false);
    var tree = document.querySelector('.tree-page .tree-tools');
    if (tree) new TreeOutline(tree);
    document.documentElement.classList.add('js');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
