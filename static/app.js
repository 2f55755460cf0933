/* Clew: progressive enhancement for the wizard and search pages. Every
 * page works without this file; with it, the wizard answers in place
 * (/api/v1/diagnose, history.pushState) and search runs as you type
 * (/api/v1/search). No framework, no inline script or style (the CSP). */
(function () {
  'use strict';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  /* Removes title's text (blanks aside) from the start of body's text,
     when it starts so: the summary above the body already reads it. The
     paragraph it was alone in goes too. As the server's solution_body. */
  function dropTitle(body, title) {
    var want = String(title).replace(/\s+/g, ''), got = 0, cuts = [], n, i;
    var sentence = /[.!?:\u3002\uff01\uff1f\uff1a]$/.test(want);
    var walk = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    while (got < want.length && (n = walk.nextNode())) {
      for (i = 0; i < n.data.length && got < want.length; i++) {
        if (/\s/.test(n.data[i])) continue;
        if (n.data[i] !== want[got]) return;
        got++;
      }
      cuts.push([n, i]);
    }
    if (got < want.length) return;
    /* A title that is no sentence ("Restart" may begin "Restarting the
       PC ...") goes only when it was all of its paragraph or item. */
    var last = cuts[cuts.length - 1], blk = last[0].parentNode.closest('p, li, h1, h2, h3, h4, h5, h6');
    if (!sentence) {
      var after = document.createRange();
      after.setStart(last[0], last[1]);
      after.setEndAfter(blk || body.lastChild);
      if (after.toString().trim()) return;
    }
    cuts.forEach(function (c) { c[0].data = c[0].data.slice(c[1]).replace(/^\s+/, ''); });
    var first = body.firstElementChild;
    if (first && first.tagName === 'P' && !first.textContent.trim() && !first.querySelector('img')) {
      first.remove();
    }
  }

  /* What the wizard says when it asks no more: as the server's done_text. */
  function doneText(doc) {
    var top = (doc.causes || [])[0], p = top ? Number(top.probability) : 0;
    if (!top) return 'No listed cause fits these answers.';
    if (Number(doc.other_probability) >= p) {
      return 'No further question would tell these apart, and a cause not listed ' +
        'here is as likely: the article may not cover your case.';
    }
    if (p < 0.5) return 'No further question would tell these apart: here they are, most likely first.';
    return 'That is as far as the questions go: here is the most likely cause.';
  }

  function percent(p) {
    var d = Math.floor((Number(p) || 0) * 100 + 0.5 + 1e-9);
    return Math.max(0, Math.min(100, d));
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
  var UI_ARGS = { embed: 1, detected: 1, lang: 1, ask: 1 };
  var NOT_STEPS = { problem: 1, embed: 1, detected: 1, lang: 1, ask: 1, q: 1 };
  var KEEP = { embed: 1, lang: 1 };

  function Wizard(section) {
    this.section = section;
    this.questions = {};   /* id -> { text, labels: { value: label } } */
    this.titles = {};      /* problem slug -> title */
    this.search = location.search;
    this.seq = 0;
    this.live = liveRegion(section);
    this.readDom();
    this.bind();
  }

  Wizard.prototype.remember = function (id, text, value, label) {
    var q = this.questions[id] || (this.questions[id] = { text: text, labels: {} });
    if (text) q.text = text;
    if (value !== undefined) q.labels[value] = label;
  };

  /* What the server rendered: the answers' texts and labels, the question,
   * the problem's title; meters become animated bars. */
  Wizard.prototype.readDom = function () {
    var self = this, params = new URLSearchParams(location.search);
    var keys = [], lis = this.section.querySelectorAll('.steps > li');
    params.forEach(function (v, k) { if (!NOT_STEPS[k]) keys.push([k, v]); });
    if (keys.length === lis.length) {
      keys.forEach(function (kv, i) {
        var q = lis[i].querySelector('.q'), l = lis[i].querySelector('strong');
        self.remember(kv[0], q && q.textContent, kv[1], l && l.textContent);
      });
    }
    var form = this.section.querySelector('form.question');
    if (form) {
      var legend = form.querySelector('legend');
      form.querySelectorAll('input[type=radio]').forEach(function (r) {
        self.remember(r.name, legend.textContent, r.value,
                      r.parentNode.textContent.trim());
      });
      legend.setAttribute('tabindex', '-1');
    }
    var h1 = this.section.querySelector('h1');
    if (params.get('problem')) this.titles[params.get('problem')] = h1.textContent;
    this.section.querySelectorAll('.cause').forEach(function (li) {
      var m = li.querySelector('meter');
      if (!m) return;
      var pct = Number(m.value) || 0;
      li.setAttribute('data-id', li.querySelector('h3').textContent);
      m.parentNode.replaceChild(self.bar(pct), m);
    });
  };

  Wizard.prototype.bar = function (pct) {
    var b = el('span', 'bar'), f = el('span', 'bar-fill');
    b.setAttribute('aria-hidden', 'true');
    b.appendChild(f);
    f.style.setProperty('width', pct + '%');
    f.setAttribute('data-pct', String(pct));
    return b;
  };

  Wizard.prototype.bind = function () {
    var self = this;
    this.section.addEventListener('submit', function (ev) {
      var form = ev.target;
      if (!form.classList.contains('question')) return;
      ev.preventDefault();
      var qs = new URLSearchParams(new FormData(form)).toString();
      self.go('/wizard' + (qs ? '?' + qs : ''), true);
    });
    this.section.addEventListener('click', function (ev) {
      var a = ev.target.closest && ev.target.closest('a[href]');
      if (!a || ev.defaultPrevented || ev.button !== 0 ||
          ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      var u = new URL(a.href, location.href);
      if (u.origin !== location.origin || u.pathname !== '/wizard') return;
      ev.preventDefault();
      self.go(u.pathname + u.search, true);
    });
    window.addEventListener('popstate', function () {
      if (location.pathname !== '/wizard' || location.search === self.search) return;
      self.go(location.pathname + location.search, false);
    });
  };

  /* Shows the step at url (a /wizard URL) without reloading the page; any
   * failure falls back to loading that URL. */
  Wizard.prototype.go = function (url, push) {
    var self = this, seq = ++this.seq;
    var params = new URL(url, location.href).searchParams, api = new URLSearchParams();
    /* A question asked again ("change") is the server's to render: the
     * API's next question is the most informative one, not that one. */
    if (params.get('ask')) { location.href = url; return; }
    params.forEach(function (v, k) { if (!UI_ARGS[k]) api.append(k, v); });
    this.section.setAttribute('aria-busy', 'true');
    fetch('/api/v1/diagnose?' + api.toString(), { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (doc) { return self.title(doc.problem).then(function () { return doc; }); })
      .then(function (doc) {
        if (seq !== self.seq) return;
        if (!self.render(doc, params)) throw new Error('unknown answer');
        embed.result(doc, params);
        if (push) history.pushState(null, '', url);
        self.search = location.search;
        self.section.removeAttribute('aria-busy');
        self.focus(doc);
      })
      .catch(function () {
        if (seq === self.seq) location.href = url;
      });
  };

  Wizard.prototype.title = function (slug) {
    var self = this;
    if (!slug || this.titles[slug]) return Promise.resolve();
    return fetch('/api/v1/articles/' + encodeURIComponent(slug))
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (a) { self.titles[slug] = a.title || 'Troubleshooter'; });
  };

  Wizard.prototype.url = function (params, n, skip, key, value) {
    var out = new URLSearchParams(), i = 0;
    params.forEach(function (v, k) {
      if ((i < n || KEEP[k]) && i !== skip && k !== 'ask') out.append(k, v);
      i++;
    });
    if (key) out.append(key, value);
    var s = out.toString();
    return '/wizard' + (s ? '?' + s : '');
  };

  /* Re-renders the page from a diagnose document; false when an answer's
   * question is not known here (the caller then loads the page). */
  Wizard.prototype.render = function (doc, params) {
    var self = this, s = this.section, all = [], last = -1, steps = [];
    params.forEach(function (v, k) { all.push([k, v]); });
    var detected = (params.get('detected') || '').split(',');
    (doc.next_question ? [doc.next_question] : []).forEach(function (q) {
      q.options.forEach(function (o) { self.remember(q.id, q.text, o.value, o.label); });
      self.remember(q.id, q.text, 'unknown', "I don't know");
    });
    (doc.causes || []).forEach(function (c) {
      (c.explanation || []).forEach(function (x) { self.remember(x.question, x.text, x.answer, x.label); });
    });
    for (var i = 0; i < all.length; i++) {
      var k = all[i][0], v = all[i][1];
      if (k === 'problem' || UI_ARGS[k]) continue;
      last = i;
      if (k === 'q') continue;
      var q = this.questions[k];
      if (!q) return false;
      steps.push({ key: k, text: q.text, label: v === 'unknown' ? "I don't know" :
                   (q.labels[v] !== undefined ? q.labels[v] : v), index: i });
    }

    s.querySelector('h1').textContent = (doc.problem && this.titles[doc.problem]) || 'Troubleshooter';

    /* Answers given, each with "change". */
    var ul = s.querySelector('ul.steps'), h = s.querySelector('h2.steps-heading');
    if (!ul) {
      h = el('h2', 'visually-hidden steps-heading', 'Your answers');
      ul = el('ul', 'steps');
      s.querySelector('h1').after(h, ul);
    }
    ul.replaceChildren();
    steps.forEach(function (st) {
      var li = el('li');
      li.append(el('span', 'q', st.text), ' ', el('strong', null, st.label));
      if (detected.indexOf(st.key) >= 0) {
        var b = el('span', 'badge', 'detected');
        b.title = "Read from this computer's Bluetooth stack";
        li.append(' ', b);
      }
      /* This answer left out and its question asked again (the server
       * renders that step: see render's first lines). */
      var a = el('a', null, 'change');
      a.href = self.url(params, all.length, st.index, 'ask', st.key);
      li.append(' ', a);
      ul.appendChild(li);
    });
    ul.hidden = !steps.length;
    if (ul.previousElementSibling.tagName === 'H2') ul.previousElementSibling.hidden = !steps.length;

    /* Hidden fields: the answers so far. */
    function hidden(form) {
      form.querySelectorAll('input[type=hidden]').forEach(function (x) { x.remove(); });
      form.prepend.apply(form, all.map(function (kv) {
        var x = el('input');
        x.type = 'hidden'; x.name = kv[0]; x.value = kv[1];
        return x;
      }));
    }
    var detect = s.querySelector('form.detect');
    if (detect) {
      hidden(detect);
      var p = params.get('platform');
      detect.hidden = !!params.get('detected') || !!(p && p !== 'linux');
    }

    /* The next question, or the end. */
    var form = s.querySelector('form.question'), done = s.querySelector('p.done');
    var nav = s.querySelector('.wizard-nav'), nq = doc.next_question;
    /* The problems offered in a language are the server's to choose. */
    if (nq && nq.id === 'problem' && params.get('lang')) return false;
    if (nq) {
      if (!form) {
        form = el('form', 'question');
        form.method = 'get'; form.action = '/wizard';
        nav.before(form);
      }
      form.replaceChildren();
      var fs = el('fieldset'), lg = el('legend', null, nq.text);
      lg.setAttribute('tabindex', '-1');
      fs.appendChild(lg);
      if (nq.help) fs.appendChild(el('p', 'help', nq.help));
      nq.options.forEach(function (o) {
        var lab = el('label', 'option'), r = el('input');
        r.type = 'radio'; r.name = nq.id; r.value = o.value; r.required = true;
        lab.append(r, ' ' + o.label);
        fs.appendChild(lab);
      });
      var act = el('p', 'actions'), skip = el('a', null, "Skip (I don't know)");
      skip.href = self.url(params, all.length, -1, nq.id, 'unknown');
      act.append(el('button', null, 'Next'), ' ', skip);
      act.firstChild.type = 'submit';
      form.append(fs, act);
      hidden(form);
      if (done) done.remove();
    } else {
      if (form) form.remove();
      if (!done) { done = el('p', 'done'); nav.before(done); }
      done.setAttribute('tabindex', '-1');
      done.textContent = doneText(doc);
    }

    /* Back / start over. */
    nav.replaceChildren();
    if (last >= 0) {
      var back = el('a', null, 'Back');
      back.href = self.url(params, all.length, last);
      nav.append(back, ' ');
    }
    var start = el('a', null, 'Start over'), so = new URLSearchParams();
    params.forEach(function (v, k) { if (k === 'problem' || KEEP[k]) so.append(k, v); });
    start.href = '/wizard' + (so.toString() ? '?' + so.toString() : '');
    nav.appendChild(start);

    this.renderCauses(doc);
    var other = s.querySelector('p.other') || s.querySelector('ol.causes + p.muted');
    if (other) {
      other.classList.add('other');
      other.textContent = 'Something not listed here: ' + percent(doc.other_probability) + '%.';
    }
    return true;
  };

  Wizard.prototype.renderCauses = function (doc) {
    var self = this, ol = this.section.querySelector('ol.causes'), old = {};
    ol.querySelectorAll(':scope > li.cause').forEach(function (li) {
      var f = li.querySelector('.bar-fill');
      old[li.getAttribute('data-id')] = f ? Number(f.getAttribute('data-pct')) : 0;
    });
    var fills = [];
    ol.replaceChildren();
    (doc.causes || []).forEach(function (c, rank) {
      var li = el('li', 'cause' + (rank === 0 ? ' first' : '')), pct = percent(c.probability);
      li.setAttribute('data-id', c.id);
      li.appendChild(el('h3', null, c.title));
      var lk = el('p', 'likelihood'), bar = self.bar(old[c.id] || old[c.title] || 0);
      lk.append(bar, ' ', el('span', null, pct + '% likely'));
      li.appendChild(lk);
      fills.push([bar.firstChild, pct]);
      if (c.explanation && c.explanation.length) {
        var why = el('details', 'why'), ul = el('ul');
        why.appendChild(el('summary', null, 'Why?'));
        c.explanation.forEach(function (x) {
          var xi = el('li', x.effect);
          xi.append(x.text + ' ', el('strong', null, x.label),
                    x.supports ? ' — makes this more likely' : ' — makes this less likely');
          ul.appendChild(xi);
        });
        why.appendChild(ul);
        li.appendChild(why);
      }
      if (c.solutions && c.solutions.length) li.appendChild(el('h4', null, 'How to fix it'));
      (c.solutions || []).forEach(function (so) {
        var d = el('details', 'solution'), body = el('div', 'body');
        body.innerHTML = so.html;  /* sanitised by the server (cmark) */
        /* As the server does: a body that only repeats the title is shown
           once; else the title's sentence leaves the body's start. */
        if (body.textContent.replace(/\s+/g, '') === String(so.title).replace(/\s+/g, '')) {
          body.className = 'solution brief';
          li.appendChild(body);
          return;
        }
        dropTitle(body, so.title);
        d.open = rank === 0;
        d.appendChild(el('summary', null, so.title));
        d.appendChild(body);
        li.appendChild(d);
      });
      var more = el('p'), a = el('a', null, 'Read the whole article');
      a.href = '/articles/' + encodeURIComponent(c.article);
      more.appendChild(a);
      li.appendChild(more);
      ol.appendChild(li);
    });
    /* Start from the old widths, then move: the CSS transition animates. */
    void ol.offsetWidth;
    requestAnimationFrame(function () {
      fills.forEach(function (f) {
        f[0].style.setProperty('width', f[1] + '%');
        f[0].setAttribute('data-pct', String(f[1]));
      });
    });
  };

  Wizard.prototype.focus = function (doc) {
    var s = this.section, target = s.querySelector('form.question legend') || s.querySelector('p.done');
    if (target) target.focus();
    var top = (doc.causes || [])[0], msg = '';
    if (top) msg = 'Most likely: ' + top.title + ', ' + percent(top.probability) + '%.';
    if (doc.next_question) msg += ' Next question: ' + doc.next_question.text;
    this.live.textContent = msg.trim();
  };

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

  LiveSearch.prototype.show = function (doc, q) {
    var list = this.list, tag = this.onSearchPage ? 'h2' : 'h3';
    list.replaceChildren();
    if (!doc) { this.count.textContent = ''; return; }
    var hits = doc.hits || [];
    this.count.textContent = hits.length ? doc.total + ' article(s) match.' :
      'Nothing matches “' + q + '”.';
    hits.forEach(function (h) {
      var li = el('li'), hd = el(tag), a = el('a', null, h.title);
      a.href = '/articles/' + encodeURIComponent(h.slug) + (h.section ? '#' + encodeURIComponent(h.section) : '');
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
      if (location.pathname === '/wizard') {
        var api = new URLSearchParams();
        this.params.forEach(function (v, k) { if (!UI_ARGS[k]) api.append(k, v); });
        fetch('/api/v1/diagnose?' + api.toString(), { headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (doc) { if (doc) self.result(doc, self.params); })
          .catch(function () { /* the page itself still works */ });
      }
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

    /* What the host page gets: the step's answers and ranked causes. */
    result: function (doc, params) {
      if (!this.on || !this.host) return;
      var answers = {}, share = new URLSearchParams();
      params.forEach(function (v, k) {
        if (!UI_ARGS[k]) { share.append(k, v); if (k !== 'problem' && k !== 'q') answers[k] = v; }
      });
      this.post({ type: 'clew:result', result: {
        problem: doc.problem || null,
        answers: answers,
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
    document.documentElement.classList.add('js');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
